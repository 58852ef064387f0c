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
