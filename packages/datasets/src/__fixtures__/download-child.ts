// Runs one download() in a process of its own, for the contention and cache-folder tests.
// argv[2]: JSON { source: DatasetSource, cacheDir: string }. Prints `waiting` (once) while another
// process holds the download lock, then `done <result JSON>` or `error <error JSON>`.
import { download } from '../download';
import { DatasetError } from '../errors';
import type { DatasetSource } from '../sources';

const { source, cacheDir } = JSON.parse(process.argv[2]) as { source: DatasetSource; cacheDir: string };
let saidWaiting = false;
try {
  const result = await download(source, {
    cacheDir,
    onProgress: (_file, _bytes, total) => {
      if (total === null && !saidWaiting) {
        saidWaiting = true;
        process.stdout.write('waiting\n');
      }
    },
  });
  process.stdout.write(`done ${JSON.stringify(result)}\n`);
} catch (error) {
  const e = error as DatasetError & { path?: string; reason?: string };
  const typed = DatasetError.is(error);
  process.stdout.write(
    `error ${JSON.stringify({ typed, code: e.code, path: e.path, reason: e.reason, message: e.message })}\n`,
  );
  process.exitCode = 2;
}
