// The two transfer servers a test file starts (lib/sshd.mjs, lib/vsftpd.mjs),
// stopped together with what the run left in each user's home.
import { rmSync } from 'node:fs';
import { join } from 'node:path';

// Removes the folder run from both users' homes, then stops both servers.
export async function stopTransferServers(sshd, ftpd, run) {
	rmSync(join(sshd.home ?? '/nonexistent', run), { recursive: true, force: true });
	rmSync(join(ftpd.home ?? '/nonexistent', run), { recursive: true, force: true });
	await sshd.stop();
	await ftpd.stop();
}
