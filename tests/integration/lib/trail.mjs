// Helpers for the tests of a platform's trail (audit.db): queries with the
// stock sqlite3 tool, and tampering that is undone afterwards.

import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';

// Runs query on the database file db with sqlite3; its output, trimmed.
export function sqlite(db, query) {
	return execFileSync('sqlite3', ['-separator', '|', db, query], { encoding: 'utf8' }).trim();
}

// Runs the SQL statements on db (the server stopped), then fn, then puts
// the file back as it was. Resolves to fn's result.
export async function withTamper(db, statements, fn) {
	sqlite(db, 'PRAGMA wal_checkpoint(TRUNCATE)');
	const saved = `${db}.saved`;
	copyFileSync(db, saved);
	try {
		sqlite(db, statements);
		return await fn();
	} finally {
		copyFileSync(saved, db);
		rmSync(saved);
		for (const s of ['-wal', '-shm'])
			rmSync(db + s, { force: true });
	}
}
