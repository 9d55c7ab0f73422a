// Writes key, certificate and token files so that a file planted at the target (a symlink to somewhere else, a file
// owned by another user, a FIFO...) is never written through: the data goes to a new file in the same folder, opened
// with O_CREAT|O_EXCL|O_NOFOLLOW, and is renamed over the target only when the target is absent or a regular file of
// ours. rename() replaces the directory entry itself, so even a symlink swapped in at the last moment is replaced,
// never followed.
import { constants, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

/** The file at `file` is not one we may replace. */
export class UnsafeTargetError extends Error {}

/** Refuses when `file` exists and is not a regular file owned by this user (a symlink counts as not regular). */
export async function checkReplaceable(file: string): Promise<void> {
  let st;
  try {
    st = await fs.lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (st.isSymbolicLink())
    throw new UnsafeTargetError(`refusing to write ${file}: it is a symbolic link; remove it first`);
  if (!st.isFile()) throw new UnsafeTargetError(`refusing to write ${file}: it is not a regular file`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw new UnsafeTargetError(`refusing to write ${file}: it is owned by another user (uid ${st.uid})`);
}

/** Writes `data` to `file` (mode `mode`, default 0600) through a new temporary file renamed over it. */
export async function writeFileSafely(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await checkReplaceable(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}`);
  const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);
  const h = await fs.open(tmp, flags, mode);
  try {
    try {
      await h.writeFile(data);
      await h.chmod(mode); // the umask may have taken bits away; never adds any beyond `mode`
    } finally {
      await h.close();
    }
    await checkReplaceable(file);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
