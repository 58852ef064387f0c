/* Bastide — small progressive enhancements; every page works without them.
 * (1) forms with data-confirm="message" ask before submitting; (2) a Copy
 * button after each code.secret and [data-copy] element (its text, or its
 * value for a field); labels from data-copy-label / data-copied-label,
 * else by page language; (3) after a failed submission (.notice-error) the
 * first invalid field gets the focus. No inline script, no eval (CSP). */
(function () {
	'use strict';

	var TEXT = {
		en: { copy: 'Copy', copied: 'Copied', failed: 'Copy failed' },
		fr: { copy: 'Copier', copied: 'Copié', failed: 'Échec de la copie' }
	};
	var lang = (document.documentElement.lang || 'en').slice(0, 2).toLowerCase();
	var text = TEXT[lang] || TEXT.en;

	document.addEventListener('submit', function (e) {
		var form = e.target;
		var by = e.submitter;
		var msg = (by && by.getAttribute('data-confirm')) ||
			(form.getAttribute && form.getAttribute('data-confirm'));
		if (msg && !window.confirm(msg))
			e.preventDefault();
	});

	function addCopy(el) {
		var button = document.createElement('button');
		var status = document.createElement('span');
		var timer = 0;
		button.type = 'button';
		button.className = 'copy';
		button.textContent = el.getAttribute('data-copy-label') || text.copy;
		status.className = 'copy-status';
		status.setAttribute('role', 'status');
		status.setAttribute('aria-live', 'polite');
		button.addEventListener('click', function () {
			var value = /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) ? el.value : el.textContent;
			navigator.clipboard.writeText(value.trim()).then(function () {
				status.textContent = el.getAttribute('data-copied-label') || text.copied;
			}, function () {
				status.textContent = text.failed;
			});
			clearTimeout(timer);
			timer = setTimeout(function () { status.textContent = ''; }, 4000);
		});
		el.insertAdjacentElement('afterend', status);
		el.insertAdjacentElement('afterend', button);
	}

	function init() {
		if (navigator.clipboard && window.isSecureContext)
			document.querySelectorAll('code.secret, [data-copy]').forEach(addCopy);

		if (document.querySelector('.notice-error')) {
			var field = document.querySelector('main [aria-invalid="true"]') ||
				document.querySelector('main input:invalid, main select:invalid, main textarea:invalid');
			if (field)
				field.focus();
		}
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
})();

/* (4) Feeds (web/feed.c): the "Check for new publications" link polls its
 * data-poll address (/api/v1/feed/new) every minute while the page is
 * shown and, once publications arrived, says how many ("data-one", or
 * "data-many" with %d); following it shows them marked "New". */
(function () {
	'use strict';

	var POLL_MS = 60000;

	function start() {
		var link = document.getElementById('feed-new');
		if (!link || !window.fetch || !link.getAttribute('data-poll'))
			return;
		link.parentNode.setAttribute('aria-live', 'polite');
		setInterval(function () {
			if (document.hidden)
				return;
			fetch(link.getAttribute('data-poll'), {
				credentials: 'same-origin',
				headers: { Accept: 'application/json' }
			}).then(function (res) {
				return res.ok ? res.json() : null;
			}).then(function (data) {
				if (!data || !data.count)
					return;
				var n = data.count >= data.max ? data.max + '+' : String(data.count);
				link.textContent = data.count === 1 ? link.getAttribute('data-one')
					: link.getAttribute('data-many').replace('%d', n);
				link.className = 'has-new';
			}).catch(function () { /* offline: try again next time */ });
		}, POLL_MS);
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
