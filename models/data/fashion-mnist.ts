/**
 * Fashion-MNIST (Zalando Research, MIT) read from the official gzip IDX files.
 *
 * Location, in order: an explicit directory argument, FASHION_MNIST_DIR, then a git-ignored cache
 * folder. `downloadFashionMnist` fills the cache from the official source, verifying each sha256.
 * Every problem is an error naming the file, what was expected and what was found; no partial data.
 */
import { sha256 } from '../checksum';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeFileAtomically } from '../atomic-write';

export const FASHION_MNIST_DIR_ENV = 'FASHION_MNIST_DIR';
export const DEFAULT_CACHE_DIR = resolve(__dirname, '..', '..', '.cache', 'fashion-mnist');
export const OFFICIAL_BASE_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

export const IMAGE_SIZE = 28;
const IDX_IMAGES_MAGIC = 2051;
const IDX_LABELS_MAGIC = 2049;
const IDX_IMAGES_HEADER_BYTES = 16;
const IDX_LABELS_HEADER_BYTES = 8;

export const CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export type Split = 'train' | 'test';

interface OfficialFile {
  name: string;
  sha256: string;
  magic: number;
  count: number;
}

/** The official files and their published sha256 (see the dataset's README). */
export const OFFICIAL_FILES: Record<Split, { images: OfficialFile; labels: OfficialFile }> = {
  train: {
    images: {
      name: 'train-images-idx3-ubyte.gz', magic: IDX_IMAGES_MAGIC, count: 60_000,
      sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
    },
    labels: {
      name: 'train-labels-idx1-ubyte.gz', magic: IDX_LABELS_MAGIC, count: 60_000,
      sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
    },
  },
  test: {
    images: {
      name: 't10k-images-idx3-ubyte.gz', magic: IDX_IMAGES_MAGIC, count: 10_000,
      sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
    },
    labels: {
      name: 't10k-labels-idx1-ubyte.gz', magic: IDX_LABELS_MAGIC, count: 10_000,
      sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
    },
  },
};

/** Images as uint8 pixels, row-major, `count × 28 × 28`, with one label per image. */
export interface RawSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** $FASHION_MNIST_DIR, when set to something (an empty value counts as unset). */
export function dataDirFromEnv(): string | undefined {
  return process.env[FASHION_MNIST_DIR_ENV] || undefined;
}

const WHERE_TO_GET_THE_FILES = `Put the four official .gz files there, set ${FASHION_MNIST_DIR_ENV}=/path/to/them, or run \`npm run data -- --download\`.`;

export function resolveDataDir(explicitDir?: string): string {
  const dir = explicitDir ?? dataDirFromEnv() ?? DEFAULT_CACHE_DIR;
  if (!existsSync(dir)) {
    throw new DatasetError(`Fashion-MNIST folder ${dir} does not exist. ${WHERE_TO_GET_THE_FILES}`);
  }
  return dir;
}

/** The file's IDX bytes, out of its gzip; with `verify`, only when its sha256 is the official one. */
function readGzipped(dir: string, file: OfficialFile, verify: boolean): Buffer {
  const path = join(dir, file.name);
  if (!existsSync(path)) {
    throw new DatasetError(`${path}: missing. Expected the official ${file.name} (sha256 ${file.sha256}). ${WHERE_TO_GET_THE_FILES}`);
  }
  if (!statSync(path).isFile()) throw new DatasetError(`${path}: expected the official ${file.name} file, found a folder.`);
  const gz = readFileSync(path);
  const found = verify && sha256(gz);
  if (found && found !== file.sha256) {
    throw new DatasetError(`${path}: checksum mismatch, expected sha256 ${file.sha256}, found ${found}.`);
  }
  try {
    return gunzipSync(gz);
  } catch (error) {
    throw new DatasetError(`${path}: not a valid gzip stream (${(error as Error).message}).`);
  }
}

/** Parses an IDX file already checked out of its gzip; `path` only names it in errors. */
export function parseIdx(bytes: Buffer, path: string, expected: { magic: number; count?: number }): { data: Uint8Array; count: number } {
  const isImages = expected.magic === IDX_IMAGES_MAGIC;
  const headerBytes = isImages ? IDX_IMAGES_HEADER_BYTES : IDX_LABELS_HEADER_BYTES;
  if (bytes.length < headerBytes) {
    throw new DatasetError(`${path}: truncated, expected an IDX header of ${headerBytes} bytes, found ${bytes.length} bytes.`);
  }
  const magic = bytes.readUInt32BE(0);
  if (magic !== expected.magic) {
    throw new DatasetError(`${path}: wrong IDX magic number, expected ${expected.magic}, found ${magic}.`);
  }
  const count = bytes.readUInt32BE(4);
  if (expected.count !== undefined && count !== expected.count) {
    throw new DatasetError(`${path}: expected ${expected.count} items, found ${count}.`);
  }
  let itemBytes = 1;
  if (isImages) {
    const rows = bytes.readUInt32BE(8);
    const cols = bytes.readUInt32BE(12);
    if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
      throw new DatasetError(`${path}: expected ${IMAGE_SIZE}×${IMAGE_SIZE} images, found ${rows}×${cols}.`);
    }
    itemBytes = rows * cols;
  }
  const expectedBytes = headerBytes + count * itemBytes;
  if (bytes.length !== expectedBytes) {
    throw new DatasetError(`${path}: expected ${expectedBytes} bytes for ${count} items, found ${bytes.length}.`);
  }
  return { data: bytes.subarray(headerBytes), count };
}

/**
 * Reads one split. With `verifyChecksums: false` (tests on synthetic files only) the official
 * sha256 and counts are not enforced; the IDX structure always is.
 */
export function readSplit(split: Split, dir?: string, opts: { verifyChecksums?: boolean } = {}): RawSplit {
  const verify = opts.verifyChecksums ?? true;
  const root = resolveDataDir(dir);
  const files = OFFICIAL_FILES[split];
  const load = (file: OfficialFile) => readGzipped(root, file, verify);
  const expectCount = (file: OfficialFile) => ({ magic: file.magic, count: verify ? file.count : undefined });
  const pixels = parseIdx(load(files.images), join(root, files.images.name), expectCount(files.images));
  const labels = parseIdx(load(files.labels), join(root, files.labels.name), expectCount(files.labels));
  if (pixels.count !== labels.count) {
    throw new DatasetError(
      `${join(root, files.images.name)} has ${pixels.count} images but ${join(root, files.labels.name)} has ${labels.count} labels.`,
    );
  }
  return { pixels: pixels.data, labels: labels.data, count: pixels.count };
}

/** sha256 of each official file, for run manifests. */
export function datasetChecksums(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const split of Object.values(OFFICIAL_FILES)) {
    out[split.images.name] = split.images.sha256;
    out[split.labels.name] = split.labels.sha256;
  }
  return out;
}

/**
 * The folder to read: an explicit one or $FASHION_MNIST_DIR must already hold the files; otherwise
 * the cache folder is filled from the official source first when any file is missing.
 */
export async function ensureFashionMnist(
  explicitDir?: string,
  onProgress?: (file: string, received: number, total: number) => void,
): Promise<string> {
  if (explicitDir ?? dataDirFromEnv()) return resolveDataDir(explicitDir);
  const complete = Object.values(OFFICIAL_FILES).every((s) => existsSync(join(DEFAULT_CACHE_DIR, s.images.name)) && existsSync(join(DEFAULT_CACHE_DIR, s.labels.name)));
  return complete ? DEFAULT_CACHE_DIR : downloadFashionMnist(DEFAULT_CACHE_DIR, onProgress);
}

/** Downloads the four files from the official source into `dir`, each verified before it is kept. */
export async function downloadFashionMnist(
  dir = DEFAULT_CACHE_DIR,
  onProgress: (file: string, received: number, total: number) => void = () => {},
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  for (const split of Object.values(OFFICIAL_FILES)) {
    for (const file of [split.images, split.labels]) {
      const target = join(dir, file.name);
      if (existsSync(target) && !statSync(target).isFile()) throw new DatasetError(`${target}: expected the official ${file.name} file (or nothing, to download it), found a folder.`);
      if (existsSync(target) && sha256(readFileSync(target)) === file.sha256) continue;
      const url = OFFICIAL_BASE_URL + file.name;
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        throw new DatasetError(
          `could not download ${url} (${(error as Error).message}). Offline? Copy the official ${file.name} into ${dir} ` +
            `or set ${FASHION_MNIST_DIR_ENV} to a folder holding the four files.`,
        );
      }
      if (!response.ok || !response.body) throw new DatasetError(`${url}: HTTP ${response.status}`);
      const total = Number(response.headers.get('content-length') ?? 0);
      const chunks: Uint8Array[] = [];
      let received = 0;
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          chunks.push(chunk);
          received += chunk.length;
          onProgress(file.name, received, total);
        }
      } catch (error) {
        const of = total ? ` of ${total}` : '';
        throw new DatasetError(`${url}: the download stopped after ${received}${of} bytes (${(error as Error).message}); nothing was saved to ${target}.`);
      }
      const bytes = Buffer.concat(chunks);
      const found = sha256(bytes);
      if (found !== file.sha256) {
        throw new DatasetError(`${url}: checksum mismatch, expected sha256 ${file.sha256}, found ${found}; nothing was saved.`);
      }
      writeFileAtomically(target, bytes);
    }
  }
  return dir;
}
