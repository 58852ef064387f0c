// Browser scenarios of collaboration, on the demo platform (no second
// factor): a member publishes in a group with a mention, the mentioned
// member sees the notification and comments, and the author sees the
// comment; a document is uploaded to the group's library, a new version
// added and the old version downloaded byte for byte; a member moves a
// document from her own space into the group's library, where another
// member finds and opens it; an administrator
// switches Documents off and the library is gone (no tab, 404). axe-core
// checks every page; a screenshot of each is kept in tests/artifacts/e2e/.
// The scenarios run in order and share the group and its document.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Bastide, MINUTE, activate } from '../integration/lib/bastide.mjs';
import { ARTIFACTS, check, launch } from './lib/browser.mjs';

const PW = 'seven quiet otters swim upstream';
const ALICE = { email: 'alice@demo.localhost', name: 'Alice Martin' };
const BOB = { email: 'bob@demo.localhost', name: 'Bob Durand' };
const GROUP = 'Riverside project';
// two versions of one file: text with a marker, then a longer text
const V1 = Buffer.from('Minutes of the kick-off meeting\nmarker: e2e-v1-7f3a\n'.repeat(40));
const V2 = Buffer.from('Minutes of the kick-off meeting, corrected\nmarker: e2e-v2-91c4\n'.repeat(60));

let b;
let browser;
let base;
let admin;
const shared = {}; // groupId, postId, documentId: what a scenario leaves to the next

before(async () => {
  b = new Bastide('e2e-collaboration');
  admin = await b.initWithDemo();
  await b.start();
  base = `http://demo.localhost:${b.port}`;
  for (const u of [ALICE, BOB]) {
    const link = await b.createUser('demo', u.email, { name: u.name });
    await activate(b.client(), link, PW);
  }
  browser = await launch();
  // this file's screenshots of earlier runs, whose numbers no longer match
  for (const f of readdirSync(ARTIFACTS))
    if (/^\d+-collab-.*\.png$|^collab-minutes-/.test(f))
      rmSync(join(ARTIFACTS, f));
});

after(async () => {
  await browser?.close();
  await b?.stop();
  b?.dispose();
});

// A page of its own (cookies, session) for one person, signed in.
async function signedIn(who, password, name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  page.blocked = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) page.blocked.push(m.text()); });
  await page.goto(`${base}/login`);
  await page.fill('#f-email', who.email);
  await page.fill('#f-password', password);
  await page.click('main button[type=submit]');
  await page.waitForURL(`${base}/`);
  await check(page, `collab-${name}-home`);
  return page;
}

async function done(page) {
  assert.deepEqual(page.blocked, [], 'nothing blocked by the Content-Security-Policy');
  await page.context().close();
}

// The unread count in the header's bell ('' when there is none).
async function bellCount(page) {
  const badge = await page.$('header a.bell .badge');
  return badge ? (await badge.textContent()).replace(/[^0-9+]/g, '') : '';
}

test('a member publishes with a mention; the mentioned member is notified and comments', async () => {
  const alice = await signedIn(ALICE, PW, 'alice');
  const bob = await signedIn(BOB, PW, 'bob');

  // Alice creates an open group
  await alice.click(`nav a[href="/groups"]`);
  await alice.waitForSelector('#f-name');
  await check(alice, 'collab-alice-groups');
  await alice.fill('#f-name', GROUP);
  await alice.fill('#f-description', 'Where the **riverside** work is discussed.');
  await alice.check('#f-kind-open');
  await alice.click('form:has(#f-name) button[type=submit]');
  await alice.waitForURL(/\/groups\/\d+\/members\?notice=saved/);
  shared.groupId = Number(/\/groups\/(\d+)\//.exec(alice.url())[1]);
  await check(alice, 'collab-alice-group-created');

  // Bob finds it in the list of groups and joins it
  await bob.click(`nav a[href="/groups"]`);
  const row = `tr:has(a[href="/groups/${shared.groupId}"])`;
  await bob.waitForSelector(row);
  await check(bob, 'collab-bob-groups');
  await bob.click(`${row} form:has(input[name=action][value=join]) button[type=submit]`);
  await bob.waitForSelector('.notice-ok');
  await check(bob, 'collab-bob-joined');

  // Alice publishes in the group, mentioning Bob by his address's local part
  await alice.click(`nav.subnav a[href="/groups/${shared.groupId}"]`);
  await alice.waitForSelector('#f-body');
  await alice.fill('#f-body', 'Kick-off on Monday: @bob, could you **review** the minutes?');
  await alice.click('form[action="/posts"] button[type=submit]');
  await alice.waitForURL(new RegExp(`/groups/${shared.groupId}#post-\\d+$`));
  shared.postId = Number(/#post-(\d+)$/.exec(alice.url())[1]);
  const card = `#post-${shared.postId}`;
  // the mention is a link to Bob's profile
  assert.match(await alice.textContent(card), /review/);
  assert.ok(await alice.$(`${card} .post-body a[href^="/people/"]`), 'the mention links to a profile');
  await check(alice, 'collab-alice-published');

  // Bob sees the bell count, then the notification, and follows it
  await bob.goto(`${base}/`);
  assert.equal(await bellCount(bob), '1', 'one unread notification in the header');
  await check(bob, 'collab-bob-bell');
  await bob.click('header a.bell');
  await bob.waitForURL(`${base}/notifications`);
  const item = `ul.notifications li.unread a[href="/posts/${shared.postId}"]`;
  await bob.waitForSelector(item);
  assert.match(await bob.textContent('ul.notifications'), /Alice Martin/);
  await check(bob, 'collab-bob-notifications');
  await bob.click(item);
  await bob.waitForURL(`${base}/posts/${shared.postId}`);
  assert.match(await bob.textContent('main'), /review/);
  await check(bob, 'collab-bob-post');

  // and comments
  await bob.fill('#f-comment', 'Done: two typos fixed, otherwise **approved**.');
  await bob.click('form:has(#f-comment) button[type=submit]');
  await bob.waitForURL(new RegExp(`/posts/${shared.postId}#comment-\\d+$`));
  const commentId = Number(/#comment-(\d+)$/.exec(bob.url())[1]);
  assert.match(await bob.textContent(`#comment-${commentId}`), /approved/);
  await check(bob, 'collab-bob-commented');

  // the author is told, and sees the comment
  await alice.goto(`${base}/`);
  assert.equal(await bellCount(alice), '1', 'Alice is told of the comment');
  await alice.click('header a.bell');
  await alice.waitForURL(`${base}/notifications`);
  const told = `ul.notifications li.unread a[href="/posts/${shared.postId}#comment-${commentId}"]`;
  await alice.waitForSelector(told);
  assert.match(await alice.textContent('ul.notifications'), /Bob Durand/);
  await check(alice, 'collab-alice-notifications');
  await alice.click(told);
  await alice.waitForURL(`${base}/posts/${shared.postId}#comment-${commentId}`);
  assert.match(await alice.textContent(`#comment-${commentId}`), /approved/);
  assert.match(await alice.textContent(`#comment-${commentId}`), /Bob Durand/);
  await check(alice, 'collab-alice-sees-comment');

  await done(alice);
  await done(bob);
});

test('a document is uploaded, a new version added, the old version downloaded byte for byte', async () => {
  assert.ok(shared.groupId, 'the group of the first scenario');
  const alice = await signedIn(ALICE, PW, 'alice-docs');

  // the library is a tab of the group
  await alice.goto(`${base}/groups/${shared.groupId}`);
  await alice.click(`nav.subnav a[href="/groups/${shared.groupId}/documents"]`);
  await alice.waitForURL(`${base}/groups/${shared.groupId}/documents`);
  await alice.waitForSelector('#f-file');
  await check(alice, 'collab-library-empty');

  await alice.setInputFiles('#f-file', { name: 'minutes.txt', mimeType: 'text/plain', buffer: V1 });
  await alice.click('form[action="/documents/upload"] button[type=submit]');
  await alice.waitForURL(/\/documents\/\d+\?notice=uploaded$/);
  shared.documentId = Number(/\/documents\/(\d+)\?/.exec(alice.url())[1]);
  const id = shared.documentId;
  await check(alice, 'collab-document-uploaded');

  // a new version, through the form on the document's page
  await alice.setInputFiles('#f-file', { name: 'minutes.txt', mimeType: 'text/plain', buffer: V2 });
  await alice.click('form[action="/documents/upload"]:has(input[name=document]) button[type=submit]');
  await alice.waitForURL(`${base}/documents/${id}?notice=version-added`);
  await alice.waitForSelector(`a[href="/documents/${id}/download?version=2"]`);
  await check(alice, 'collab-document-version-added');

  // the library lists the document once
  await alice.click(`nav.breadcrumbs a[href="/groups/${shared.groupId}/documents"]`);
  await alice.waitForURL(`${base}/groups/${shared.groupId}/documents`);
  assert.equal((await alice.$$(`main table a[href="/documents/${id}"]`)).length, 1);
  await check(alice, 'collab-library-listed');

  // the old version, downloaded as a browser does
  await alice.goto(`${base}/documents/${id}`);
  const [download] = await Promise.all([
    alice.waitForEvent('download'),
    alice.click(`a[href="/documents/${id}/download?version=1"]`),
  ]);
  assert.equal(download.suggestedFilename(), 'minutes.txt');
  const file = join(ARTIFACTS, 'collab-minutes-v1.txt');
  await download.saveAs(file);
  assert.ok(readFileSync(file).equals(V1), 'version 1 comes back byte for byte');
  // and the current one is the second
  const [current] = await Promise.all([
    alice.waitForEvent('download'),
    alice.click(`main a.button[href="/documents/${id}/download"]`),
  ]);
  const file2 = join(ARTIFACTS, 'collab-minutes-current.txt');
  await current.saveAs(file2);
  assert.ok(readFileSync(file2).equals(V2), 'the current version is the second');
  await check(alice, 'collab-document-downloaded');
  await done(alice);
});

test('a member moves a document from her own space into the group library; another member finds it there', async () => {
  assert.ok(shared.groupId, 'the group of the first scenario');
  const alice = await signedIn(ALICE, PW, 'alice-move');
  await alice.goto(`${base}/me/documents`);
  await alice.waitForSelector('#f-file');
  await alice.setInputFiles('#f-file', { name: 'budget-draft.txt', mimeType: 'text/plain',
                                         buffer: Buffer.from('Draft budget, riverside project\n') });
  await alice.click('form[action="/documents/upload"] button[type=submit]');
  await alice.waitForURL(/\/documents\/\d+\?notice=uploaded$/);
  const id = Number(/\/documents\/(\d+)\?/.exec(alice.url())[1]);

  // the move form offers the group's library; she picks its root
  const target = `group:${shared.groupId}:0`;
  await alice.waitForSelector(`#f-target option[value="${target}"]`, { state: 'attached' });
  await check(alice, 'collab-move-form');
  await alice.selectOption('#f-target', target);
  await alice.click('form:has(#f-target) button[type=submit]');
  await alice.waitForURL(`${base}/documents/${id}?notice=moved`);
  await alice.waitForSelector('.notice-ok');
  // the breadcrumbs now lead to the group's library
  await alice.waitForSelector(`nav.breadcrumbs a[href="/groups/${shared.groupId}/documents"]`);
  await check(alice, 'collab-document-moved');
  await done(alice);

  // Bob, a member of the group, finds it in the library and opens it
  const bob = await signedIn(BOB, PW, 'bob-move');
  await bob.goto(`${base}/groups/${shared.groupId}/documents`);
  await bob.click(`main table a[href="/documents/${id}"]`);
  await bob.waitForURL(`${base}/documents/${id}`);
  assert.equal(await bob.textContent('h1'), 'budget-draft.txt');
  await check(bob, 'collab-moved-document-found');
  await done(bob);
});

test('an administrator switches Documents off and the library disappears', async () => {
  assert.ok(shared.groupId && shared.documentId, 'the group and document of the scenarios before');
  const boss = await signedIn(admin, admin.password, 'admin');
  // the back office asks for the password again 15 minutes after sign-in
  b.advanceClock(16 * MINUTE);
  await boss.click('nav a[href="/admin/users"]');
  await boss.waitForURL(/\/reauth\?next=/);
  await check(boss, 'collab-admin-reauth');
  await boss.fill('#f-password', admin.password);
  await boss.click('main button[type=submit]');
  await boss.waitForURL(`${base}/admin/users`);
  await boss.click('nav.subnav a[href="/admin/apps"]');
  await boss.waitForURL(`${base}/admin/apps`);
  const off = 'form:has(input[name=name][value=documents]):has(input[name=enabled][value="0"]) button[type=submit]';
  await boss.waitForSelector(off);
  await check(boss, 'collab-admin-apps');
  await boss.click(off);
  await boss.waitForURL(`${base}/admin/apps?notice=saved`);
  assert.ok(await boss.$('form:has(input[name=name][value=documents]):has(input[name=enabled][value="1"])'),
    'Documents is off: the form now switches it on');
  await check(boss, 'collab-admin-documents-off');

  // for a member: no tab any more, and the addresses answer 404
  const alice = await signedIn(ALICE, PW, 'alice-after');
  await alice.goto(`${base}/groups/${shared.groupId}`);
  await alice.waitForSelector('nav.subnav');
  assert.equal(await alice.$(`a[href="/groups/${shared.groupId}/documents"]`), null, 'no Documents tab');
  assert.equal(await alice.$('a[href^="/me/documents"]'), null, 'no link to the personal space');
  await check(alice, 'collab-group-without-documents');
  const res = await alice.goto(`${base}/groups/${shared.groupId}/documents`);
  assert.equal(res.status(), 404);
  await check(alice, 'collab-library-404');
  const doc = await alice.goto(`${base}/documents/${shared.documentId}`);
  assert.equal(doc.status(), 404);
  await done(alice);
  await done(boss);
});
