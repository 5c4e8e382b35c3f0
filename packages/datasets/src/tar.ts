import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { BadFormatError, MissingFileError, TruncatedFileError } from './errors';

const BLOCK = 512;

function readString(header: Uint8Array, from: number, length: number): string {
  const field = header.subarray(from, from + length);
  const end = field.indexOf(0);
  return Buffer.from(end < 0 ? field : field.subarray(0, end)).toString('utf8');
}

function readOctal(header: Uint8Array, from: number, length: number, archive: string): number {
  const text = readString(header, from, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new BadFormatError(
      `${archive}: bad tar header field '${text}'. The archive is corrupt; download it again.`,
    );
  }
  return Number.parseInt(text, 8);
}

function checksumOk(header: Uint8Array, archive: string): boolean {
  const stored = readOctal(header, 148, 8, archive);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === stored;
}

/**
 * Streams a `.tar.gz` archive and returns the contents of the regular files whose path `wanted`
 * accepts (keyed by path). Other members are skipped without being kept in memory.
 */
export async function readTarGz(
  archive: string,
  wanted: (path: string) => boolean,
): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const stream = createReadStream(archive).pipe(createGunzip());
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  // Parser state: reading a header, or `remaining` bytes of a member (+ padding).
  let remaining = 0;
  let padding = 0;
  let current: { path: string; chunks: Buffer[] } | null = null;
  let longName: string | null = null;
  let collectingLongName: Buffer[] | null = null;
  let ended = false;

  const take = (n: number): Buffer => {
    const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    pending.length = 0;
    const head = joined.subarray(0, n);
    const rest = joined.subarray(n);
    if (rest.length) pending.push(rest);
    pendingBytes = rest.length;
    return head;
  };

  const fail = (error: unknown): never => {
    stream.destroy();
    throw error;
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (!ended) {
        if (remaining > 0) {
          if (pendingBytes === 0) break;
          const part = take(Math.min(remaining, pendingBytes));
          remaining -= part.length;
          if (current) current.chunks.push(Buffer.from(part));
          if (collectingLongName) collectingLongName.push(Buffer.from(part));
          if (remaining === 0) {
            if (current) out.set(current.path, Buffer.concat(current.chunks));
            if (collectingLongName)
              longName = readString(Buffer.concat(collectingLongName), 0, Number.MAX_SAFE_INTEGER);
            current = null;
            collectingLongName = null;
          }
          continue;
        }
        if (padding > 0) {
          if (pendingBytes === 0) break;
          padding -= take(Math.min(padding, pendingBytes)).length;
          continue;
        }
        if (pendingBytes < BLOCK) break;
        const header = take(BLOCK);
        if (header.every((b) => b === 0)) {
          ended = true;
          break;
        }
        if (!checksumOk(header, archive)) {
          fail(
            new BadFormatError(
              `${archive}: tar header checksum mismatch. The archive is corrupt; download it again.`,
            ),
          );
        }
        const size = readOctal(header, 124, 12, archive);
        const type = String.fromCharCode(header[156] || 0x30);
        const prefix = readString(header, 345, 155);
        let path =
          longName ?? (prefix ? `${prefix}/${readString(header, 0, 100)}` : readString(header, 0, 100));
        if (type !== 'L') longName = null;
        path = path.replace(/^\.\//, '');
        remaining = size;
        padding = (BLOCK - (size % BLOCK)) % BLOCK;
        if (type === 'L') collectingLongName = [];
        else if ((type === '0' || type === '\0') && wanted(path)) current = { path, chunks: [] };
        if (size === 0 && current) {
          out.set(current.path, Buffer.alloc(0));
          current = null;
        }
      }
      if (ended) break;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MissingFileError(
        `${archive} does not exist. Pass the path of the downloaded .tar.gz archive.`,
      );
    }
    if (error instanceof BadFormatError) throw error;
    const message = (error as Error).message;
    throw new TruncatedFileError(
      `${archive}: the gzip stream is truncated or corrupt (${message}). Download the archive again ` +
        '(download() verifies its checksum).',
    );
  } finally {
    stream.destroy();
  }
  if (!ended && (remaining > 0 || padding > 0 || pendingBytes > 0 || current)) {
    throw new TruncatedFileError(
      `${archive}: the tar archive ends in the middle of a member. Download the archive again.`,
    );
  }
  return out;
}
