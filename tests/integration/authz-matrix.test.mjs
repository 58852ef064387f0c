// The authorization matrix (issue 3): for every page and API route of the
// server, the answer expected for each of six people: anonymous, a member
// of three groups (open, private, secret), a non-member, their group
// administrator, the platform administrator (a member of none of them), and
// a user of another platform whose session or token is sent here. Answers
// are compared as classes: ok (2xx, 3xx), bad_request (400, 409, 413, 415,
// 422: allowed, but the input was refused), unauthenticated (401, or a
// redirect to the sign-in page), forbidden (403), not_found (404; 410 for a
// one-time link that is unknown or spent).
//
// The expectations are in authz-matrix.json: per route, cases (a path with
// {placeholders} for the fixture's ids, a body, and "fresh" for an object
// made anew for each person when the request deletes or changes it for
// good; "note" says why when it is not obvious). The route list comes from
// the server's own sources (src/http/routes.c and its routes_*.inc): a
// route missing from the matrix, or a matrix entry naming no route, fails.
// Besides the classes, for every case about the secret group the
// non-member and the platform administrator must get exactly the answer
// given for a group (publication, comment, document, folder) that does not
// exist: same status, same error code (or page heading and notices); and no
// answer to someone outside the secret group (or the private group) may
// show a name or text written inside it (they carry a mark).
//
// AUTHZ_RECORD=1 prints what every case got (to write a new route's row; it
// never writes the matrix).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	Bastide, activate, csrfOf, enrolTotp, multipartBody, noticesOf, pngImage, serverRoutes,
	startWithConfig,
} from './lib/bastide.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const MATRIX = JSON.parse(readFileSync(join(HERE, 'authz-matrix.json'), 'utf8'));
const ACTORS = ['anon', 'member', 'nonmember', 'gadmin', 'padmin', 'other'];
const SIGNED = ['member', 'nonmember', 'gadmin', 'padmin'];
const CLASSES = ['ok', 'bad_request', 'unauthenticated', 'forbidden', 'not_found'];
const RECORD = !!process.env.AUTHZ_RECORD;
const PW = 'nine patient owls guard the matrix';
const NONE = 999999; // an id no object of the fixture has
// In every name and text of the secret group's things, and only there: no
// answer to someone outside the group may contain it. Case texts carry it
// as {mark}, which is empty for the actors outside the group (so that an
// outsider's refused draft, shown back to them, is no false alarm).
const MARK = 'Zanzibar';
const INSIDERS = ['member', 'gadmin'];
// Likewise in the texts and names inside the private group (its name is
// no secret): {pmark}.
const PMARK = 'Quokka';

const b = new Bastide('authz-matrix');
const people = {}; // actor -> {email, password, id, token, client, csrf}
const ids = {};    // placeholder name ("g.secret", "p.none", ...) -> value
let nonce = 0;

/* ------------------------------------------------------------------ */
/* The fixture                                                         */

const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` } });

// The API as `who` (a key of people), with their read-write token.
function api(who, method, path, body) {
	const c = b.client();
	if (body === undefined)
		return c.request(method, path, bearer(people[who].token));
	return c.postJson(path, body, { method, ...bearer(people[who].token) });
}

async function apiOk(who, method, path, body) {
	const res = await api(who, method, path, body);
	assert.ok(res.status >= 200 && res.status < 300,
		  `fixture: ${who} ${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
	return res.status === 204 ? null : res.json();
}

async function signIn(host, email, password) {
	const c = b.client(host);
	const res = await c.login(email, password);
	assert.equal(res.status, 303, `sign-in of ${email}: ${res.status} ${noticesOf(res.body)}`);
	if (/^\/login\/2fa\/setup/.test(res.location ?? ''))
		await enrolTotp(b, c);
	return c;
}

// A document of `who` (uploaded through the API) in a group's library or
// their own space.
async function uploadDoc(who, owner, ownerId, name) {
	const m = multipartBody({ owner, owner_id: ownerId ?? '', folder: '' },
				{ name, type: 'text/plain', data: `content of ${name}\n` });
	const res = await b.client().request('POST', '/api/v1/documents', {
		headers: { Authorization: `Bearer ${people[who].token}`, 'Content-Type': m.contentType },
		body: m.body,
	});
	assert.equal(res.status, 201, `fixture: upload ${name}: ${res.status} ${res.body.slice(0, 300)}`);
	return res.json().id;
}

// A group of kind administered by gadmin, with member as a member; its
// name carries the secret mark unless marked is false.
async function newGroup(kind, marked = true) {
	const n = ++nonce;
	const name = kind === 'secret' && marked ? `Matrix ${MARK} ${n}` : `Matrix ${kind} ${n}`;
	const g = await apiOk('gadmin', 'POST', '/api/v1/groups', { name, kind });
	await apiOk('gadmin', 'POST', `/api/v1/groups/${g.id}/members`, { email: people.member.email });
	await apiOk('member', 'PATCH', `/api/v1/groups/${g.id}/members/${people.member.id}`, { state: 'member' });
	return g.id;
}

before(async () => {
	const demo = await b.initWithDemo();
	people.padmin = { email: demo.email, password: demo.password };
	const links = {};
	// (addresses the demo's own people are unlikely to have)
	for (const [who, name] of [['gadmin', 'gina'], ['member', 'mark'], ['nonmember', 'nora']]) {
		people[who] = { email: `${name}matrix@demo.localhost`, password: PW };
		links[who] = await b.createUser('demo', people[who].email, { name: `${name[0].toUpperCase()}${name.slice(1)} Matrix` });
	}
	// an account invited but never activated: only administrators see it
	await b.createUser('demo', 'ivymatrix@demo.localhost', { name: 'Ivy Invited' });
	await b.createPlatform('other', { hosts: ['other.localhost'] });
	people.other = { email: 'olga@other.example', password: PW, host: 'other.localhost' };
	links.other = await b.createUser('other', people.other.email, { name: 'Olga Other' });
	for (const who of [...SIGNED])
		people[who].token = (await b.createToken('demo', people[who].email, { scope: 'read-write' })).token;
	people.other.token = (await b.createToken('other', people.other.email, { scope: 'read-write' })).token;

	// video meetings need a Jitsi server to be switched on: every route exists
	await startWithConfig(b, ({ port }) =>
		`[server]\nlisten = 127.0.0.1:${port}\n` +
		'[meetings]\nurl = https://meet.example.org/\nprovider = Example Jitsi\nregion = EU (France)\n');
	for (const who of ['gadmin', 'member', 'nonmember', 'other'])
		await activate(b.client(people[who].host ?? 'demo.localhost'), links[who], PW);
	for (const who of [...SIGNED, 'other']) {
		people[who].client = await signIn(people[who].host ?? 'demo.localhost', people[who].email,
						  people[who].password);
		if (who !== 'other')
			people[who].id = (await apiOk(who, 'GET', '/api/v1/me')).id;
	}
	await apiOk('padmin', 'PATCH', '/api/v1/apps/meetings', { enabled: true });

	// the csrf fields of every actor's pages; anonymous visitors (and the
	// other platform's user, whose session means nothing here) hold the
	// pre-session of the sign-in page
	for (const who of SIGNED)
		people[who].csrf = csrfOf((await people[who].client.get('/settings')).body);
	people.anon = { client: b.client() };
	people.anon.csrf = await people.anon.client.csrf('/login');
	const otherHere = b.client();
	otherHere.setCookie('bastide', people.other.client.cookie('bastide'));
	people.other.csrf = csrfOf((await otherHere.get('/login')).body);
	assert.ok(otherHere.cookie('bastide-pre'), 'no pre-session for the other platform\'s user');
	people.other.here = otherHere;

	// groups: gadmin administers one of each kind; member is a member of all
	for (const kind of ['secret', 'private', 'open'])
		ids[`g.${kind}`] = await newGroup(kind);
	// content, by the member: a publication in each group (the secret
	// one's mentions the non-member and the platform administrator, who
	// may not read it) and on the platform feed, a comment under each, a
	// document in each library and in their own space, a folder in the
	// secret group's library and in their space, an avatar; the
	// invitations left them notifications
	for (const kind of ['secret', 'private', 'open', 'platform']) {
		const group = kind === 'platform' ? {} : { group_id: ids[`g.${kind}`] };
		const word = { secret: MARK, private: PMARK }[kind] ?? kind;
		const mentions = kind === 'secret' ? ' cc @noramatrix @admin @ginamatrix' : '';
		ids[`p.${kind}`] = (await apiOk('member', 'POST', '/api/v1/posts',
						{ body: `Matrix ${word} post${mentions}`, ...group })).id;
		ids[`c.${kind}`] = (await apiOk('member', 'POST', `/api/v1/posts/${ids[`p.${kind}`]}/comments`,
						{ body: `Matrix ${word} comment${mentions}` })).id;
	}
	for (const kind of ['secret', 'private', 'open'])
		ids[`d.${kind}`] = await uploadDoc('member', 'group', ids[`g.${kind}`],
						   `matrix-${{ secret: MARK, private: PMARK }[kind] ?? kind}.txt`);
	ids['d.personal'] = await uploadDoc('member', 'user', '', 'matrix-personal.txt');
	ids['f.secret'] = (await apiOk('member', 'POST', '/api/v1/folders',
				       { owner: 'group', owner_id: ids['g.secret'], name: `${MARK} folder` })).id;
	ids['f.personal'] = (await apiOk('member', 'POST', '/api/v1/folders',
					 { owner: 'user', name: 'Matrix folder' })).id;
	const avatar = multipartBody({ csrf: people.member.csrf },
				     { field: 'avatar', name: 'me.png', type: 'image/png', data: pngImage(32, 32) });
	const up = await people.member.client.request('POST', `/people/${people.member.id}/avatar`,
						      { headers: { 'Content-Type': avatar.contentType }, body: avatar.body });
	assert.equal(up.status, 303, `fixture: avatar: ${up.status}`);
	const notes = await apiOk('member', 'GET', '/api/v1/notifications');
	assert.ok(notes.items.length > 0, 'fixture: the member has no notification');
	ids['n.member'] = notes.items[0].id;
	for (const who of [...SIGNED]) {
		ids[`u.${who}`] = people[who].id;
		ids[`email.${who}`] = people[who].email;
	}
	ids['u.invited'] = Number(execFileSync('sqlite3', [join(b.data, 'platforms', 'demo', 'main.db'),
		"SELECT id FROM users WHERE email = 'ivymatrix@demo.localhost'"], { encoding: 'utf8' }).trim());
	assert.ok(ids['u.invited'] > 0, 'fixture: no invited account');
	for (const k of ['g', 'p', 'c', 'd', 'f', 'u', 'n'])
		ids[`${k}.none`] = NONE;
});

after(async () => {
	await b.dispose();
});

/* ------------------------------------------------------------------ */
/* Objects made for one check (what the request deletes or ends)       */

// Returns {id, client?}: the object's id, and for "session.self" the
// client holding the new session (the request is sent with it).
async function makeFresh(kind, actor) {
	const [what, where] = kind.split('.');
	const n = ++nonce;
	const mark = { secret: MARK, private: PMARK }[where] ?? '';
	switch (what) {
	case 'post': {
		const group = where === 'platform' ? {} : { group_id: ids[`g.${where}`] };
		return { id: (await apiOk('member', 'POST', '/api/v1/posts', { body: `Throwaway ${n} ${mark}`, ...group })).id };
	}
	case 'comment':
		return { id: (await apiOk('member', 'POST', `/api/v1/posts/${ids[`p.${where}`]}/comments`,
					  { body: `Throwaway comment ${n} ${mark}` })).id };
	case 'group':
		return { id: await newGroup(where) };
	case 'invited': { // the non-member is invited to it (and may know of it)
		const id = await newGroup(where, false);
		await apiOk('gadmin', 'POST', `/api/v1/groups/${id}/members`, { email: people.nonmember.email });
		return { id };
	}
	case 'requested': { // the non-member asked to join it
		const id = await newGroup(where);
		const r = await apiOk('nonmember', 'POST', `/api/v1/groups/${id}/members`, {});
		assert.equal(r.state, 'requested');
		return { id };
	}
	case 'doc':
		if (where === 'own') // the actor's own, in their space
			return { id: await uploadDoc(SIGNED.includes(actor) ? actor : 'member', 'user', '', `throwaway-${n}.txt`) };
		return where === 'personal'
			? { id: await uploadDoc('member', 'user', '', `throwaway-${n}.txt`) }
			: { id: await uploadDoc('member', 'group', ids[`g.${where}`], `throwaway-${n}${mark}.txt`) };
	case 'folder': {
		const owner = where === 'personal' ? { owner: 'user' } : { owner: 'group', owner_id: ids[`g.${where}`] };
		return { id: (await apiOk('member', 'POST', '/api/v1/folders', { ...owner, name: `Throwaway ${n}${mark}` })).id };
	}
	case 'token':
		return { id: (await apiOk('member', 'POST', '/api/v1/tokens', { name: `throwaway ${n}`, scope: 'read' })).id };
	case 'session': {
		if (where === 'self') {
			if (!SIGNED.includes(actor))
				return { id: 0 };
			const client = await signIn('demo.localhost', people[actor].email, people[actor].password);
			return { id: 0, client, csrf: csrfOf((await client.get('/settings')).body) };
		}
		await signIn('demo.localhost', people.member.email, people.member.password);
		const list = await apiOk('member', 'GET', '/api/v1/sessions');
		return { id: Math.max(...list.items.map((s) => s.id)) };
	}
	default:
		throw new Error(`unknown fresh object ${kind}`);
	}
}

/* ------------------------------------------------------------------ */
/* Requests and their classes                                          */

// Replaces {placeholders} in s; a string that is one placeholder of a
// number becomes that number (for JSON bodies).
function fill(s, vars) {
	if (typeof s !== 'string')
		return s;
	const whole = /^\{([a-z.]+)\}$/.exec(s);
	if (whole && typeof vars[whole[1]] === 'number')
		return vars[whole[1]];
	return s.replace(/\{([a-z.]+)\}/g, (m, k) => {
		if (!(k in vars))
			throw new Error(`unknown placeholder ${m} in ${s}`);
		return String(vars[k]);
	});
}

function fillBody(body, vars) {
	if (Array.isArray(body))
		return body.map((x) => fillBody(x, vars));
	if (body && typeof body === 'object')
		return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillBody(v, vars)]));
	return fill(body, vars);
}

// The same case about an object that does not exist: secret placeholders
// (and a throwaway object in the secret group) become ".none" ones.
function missingVariant(text) {
	return text.replace(/\{([a-z]+)\.secret\}/g, '{$1.none}');
}

function isSecretCase(c) {
	return /\.secret\}/.test(JSON.stringify([c.path, c.body ?? null, c.multipart ?? null])) ||
		/\.secret$/.test(c.fresh ?? '');
}

async function send(actor, method, c, vars, fresh) {
	const isApi = vars.path.startsWith('/api/');
	const who = people[actor];
	let client;
	const headers = {};
	if (isApi) {
		client = b.client(); // no cookie
		if (actor !== 'anon')
			headers.Authorization = `Bearer ${who.token}`;
	} else {
		client = fresh?.client ?? (actor === 'other' ? who.here : who.client);
	}
	const csrf = fresh?.csrf ?? who.csrf;
	const opts = { headers, jar: !!fresh?.client };
	if (c.multipart) {
		const fields = fillBody(c.multipart.fields ?? {}, vars);
		const f = c.multipart.file;
		const data = f.png ? pngImage(f.png[0], f.png[1]) : fill(f.data ?? 'matrix\n', vars);
		const m = multipartBody(isApi ? fields : { csrf, ...fields },
					{ field: f.field, name: fill(f.name, vars), type: f.type, data });
		return client.request(method, vars.path, {
			...opts, headers: { ...headers, 'Content-Type': m.contentType }, body: m.body,
		});
	}
	if (method === 'GET' || method === 'HEAD' || (method === 'DELETE' && c.body === undefined))
		return client.request(method, vars.path, opts);
	const body = fillBody(c.body ?? {}, vars);
	if (isApi)
		return client.postJson(vars.path, body, { ...opts, method });
	return client.request(method, vars.path, {
		...opts,
		headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ csrf, ...body }).toString(),
	});
}

function classify(res) {
	const s = res.status;
	if ((s === 302 || s === 303) && /^\/login(\/2fa)?(\?next=|$)/.test(res.location ?? ''))
		return 'unauthenticated';
	if ((s === 302 || s === 303) && /^\/reauth/.test(res.location ?? ''))
		return 'reauthentication';
	if (s >= 200 && s < 400)
		return 'ok';
	if ([400, 409, 413, 415, 422].includes(s))
		return 'bad_request';
	return { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 410: 'not_found' }[s] ?? `HTTP ${s}`;
}

// The secret group's mark in an answer, with some context; null when
// absent. A search form showing back what was searched for is no leak.
function leak(res, path, mark) {
	let body = res.body;
	for (const v of new URL(path, 'http://x').searchParams.values())
		body = body.split(`value="${v}"`).join('');
	const at = body.toLowerCase().indexOf(mark.toLowerCase());
	return at < 0 ? null : body.slice(Math.max(0, at - 150), at + 150);
}

function errorCode(res) {
	if (!/json/.test(res.headers['content-type'] ?? ''))
		return null;
	try {
		return res.json().error?.code ?? null;
	} catch {
		return null;
	}
}

// What of a page tells one answer from another: its title, heading, notices.
function pageGist(res) {
	if (/json/.test(res.headers['content-type'] ?? ''))
		return errorCode(res);
	const title = /<title>([\s\S]*?)<\/title>/.exec(res.body)?.[1];
	const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(res.body)?.[1];
	return JSON.stringify([title, h1, noticesOf(res.body)]);
}

function describe(res) {
	const code = errorCode(res);
	return `HTTP ${res.status}${code ? ` ${code}` : ''}${res.location ? ` → ${res.location}` : ''}`;
}

/* ------------------------------------------------------------------ */
/* The tests                                                           */

test('the matrix names every route of the server, and only those', () => {
	const routes = serverRoutes();
	assert.ok(routes.length > 50, `only ${routes.length} routes read from the sources`);
	const inMatrix = Object.keys(MATRIX.routes);
	const missing = routes.filter((r) => !inMatrix.includes(r));
	const unknown = inMatrix.filter((r) => !routes.includes(r));
	assert.deepEqual(missing, [], `routes missing from authz-matrix.json:\n${missing.join('\n')}`);
	assert.deepEqual(unknown, [], `authz-matrix.json names routes the server does not have:\n${unknown.join('\n')}`);
	for (const [route, cases] of Object.entries(MATRIX.routes)) {
		assert.ok(Array.isArray(cases) && cases.length > 0, `${route}: no case`);
		for (const c of cases) {
			assert.deepEqual(Object.keys(c.expect).sort(), [...ACTORS].sort(), `${route} ${c.path}: actors`);
			for (const v of Object.values(c.expect))
				assert.ok(CLASSES.includes(v), `${route} ${c.path}: unknown class ${v}`);
		}
	}
});

test('a mention inside the secret group notifies its members only, not the outsiders named', async () => {
	const about = (n) => n.post_id === ids['p.secret'] || n.group?.id === ids['g.secret'];
	const gina = (await apiOk('gadmin', 'GET', '/api/v1/notifications?limit=100')).items;
	assert.ok(gina.some((n) => n.kind === 'mention' && n.post_id === ids['p.secret']),
		  'the group administrator, mentioned, was not notified');
	for (const who of ['nonmember', 'padmin']) {
		const items = (await apiOk(who, 'GET', '/api/v1/notifications?limit=100')).items;
		assert.deepEqual(items.filter((n) => n.kind === 'mention' || about(n)), [], `${who} was told`);
	}
});

const recorded = [];

for (const [route, cases] of Object.entries(MATRIX.routes)) {
	const [method] = route.split(' ');
	test(`authorization of ${route}`, async () => {
		const wrong = [];
		for (const c of cases) {
			const observed = {};
			const insiders = c.insiders ?? INSIDERS;
			for (const actor of ACTORS) {
				const fresh = c.fresh ? await makeFresh(c.fresh, actor) : null;
				const vars = { ...ids, actor, nonce: ++nonce, password: people[actor]?.password ?? '',
					       fresh: fresh?.id ?? 0, mark: insiders.includes(actor) ? MARK : '',
					       pmark: INSIDERS.includes(actor) ? PMARK : '' };
				vars.path = fill(c.path, vars);
				const res = await send(actor, method, c, vars, fresh);
				const got = classify(res);
				observed[actor] = `${got}: ${describe(res)}`;
				if (got !== c.expect[actor])
					wrong.push(`${method} ${vars.path} as ${actor}: got ${got} (${describe(res)}), expected ${c.expect[actor]}`);
				for (const [m, who, what] of [[MARK, insiders, 'the secret group\'s things'],
							      [PMARK, INSIDERS, 'what is inside the private group']]) {
					const shown = !who.includes(actor) && leak(res, vars.path, m);
					if (shown)
						wrong.push(`${method} ${vars.path} as ${actor}: the answer (${describe(res)}) shows ${what}: …${shown}…`);
				}
				// a secret group's things answer as what does not exist
				if (isSecretCase(c) && (actor === 'nonmember' || actor === 'padmin') && !insiders.includes(actor)) {
					const nvars = { ...vars, fresh: /\.secret$/.test(c.fresh ?? '') ? NONE : vars.fresh };
					nvars.path = fill(missingVariant(c.path), nvars);
					const nc = { ...c,
						     body: c.body && JSON.parse(missingVariant(JSON.stringify(c.body))),
						     multipart: c.multipart && JSON.parse(missingVariant(JSON.stringify(c.multipart))) };
					const none = await send(actor, method, nc, nvars, null);
					if (RECORD)
						observed[`${actor} (none)`] = describe(none);
					if (none.status !== res.status || pageGist(none) !== pageGist(res))
						wrong.push(`${method} ${vars.path} as ${actor}: ${describe(res)} ${pageGist(res)}, ` +
							   `but for what does not exist (${nvars.path}): ${describe(none)} ${pageGist(none)}`);
				}
			}
			if (RECORD)
				recorded.push({ route, path: c.path, fresh: c.fresh, observed });
		}
		assert.deepEqual(wrong, [], `answers differing from authz-matrix.json:\n${wrong.join('\n')}`);
	});
}

test('record', { skip: !RECORD }, () => {
	for (const r of recorded)
		console.log(JSON.stringify(r));
});
