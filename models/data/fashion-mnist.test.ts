import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DatasetError, OFFICIAL_BASE_URL, OFFICIAL_FILES, dataDirFromEnv, downloadFashionMnist, readSplit, resolveDataDir, type Split } from './fashion-mnist';
import { DEFAULT_CLASSES, batchIndices, loadShoes, selectClasses } from './shoes';

// Needs the real files: $FASHION_MNIST_DIR (set by .ci/run) or the cache that `npm run data -- --download` fills.
describe('the official Fashion-MNIST files (known answers)', () => {
  test('first labels of each split', () => {
    expect(Array.from(readSplit('train').labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(readSplit('test').labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });

  test('6,000 train and 1,000 test images per class; pixels span 0..1', () => {
    for (const [split, perClass] of [['train', 6000], ['test', 1000]] as const) {
      const set = loadShoes(split, DEFAULT_CLASSES);
      expect(set.count).toBe(2 * perClass);
      for (const c of DEFAULT_CLASSES) expect(set.labels.filter((l) => l === c).length).toBe(perClass);
      expect(Math.min(...set.images.subarray(0, 784 * 20))).toBe(0);
      expect(Math.max(...set.images.subarray(0, 784 * 20))).toBe(1);
    }
  });
});

function idx(magic: number, dims: number[], body: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, body]);
}

/** A synthetic split of `n` images in a temp folder, with one part optionally broken. */
function writeSplit(split: Split, n: number, breakWith: Partial<{ images: Buffer; labels: Buffer }> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'fmnist-'));
  const pixels = Uint8Array.from({ length: n * 784 }, (_, i) => i % 256);
  const labels = Uint8Array.from({ length: n }, (_, i) => (i % 2 ? 5 : 7));
  writeFileSync(join(dir, OFFICIAL_FILES[split].images.name), breakWith.images ?? gzipSync(idx(2051, [n, 28, 28], pixels)));
  writeFileSync(join(dir, OFFICIAL_FILES[split].labels.name), breakWith.labels ?? gzipSync(idx(2049, [n], labels)));
  return dir;
}

const unverified = { verifyChecksums: false };

describe('bad input is a clear error naming the file', () => {
  test('a well-formed synthetic split reads back byte for byte', () => {
    const dir = writeSplit('test', 4);
    const raw = readSplit('test', dir, unverified);
    expect(raw.count).toBe(4);
    expect(Array.from(raw.pixels)).toEqual(Array.from({ length: 4 * 784 }, (_, i) => i % 256));
    expect(Array.from(raw.labels)).toEqual([7, 5, 7, 5]);
    expect(selectClasses(raw, [5]).count).toBe(2);
  });

  test('missing folder', () => {
    expect(() => resolveDataDir('/nonexistent/fmnist')).toThrow(/\/nonexistent\/fmnist does not exist.*FASHION_MNIST_DIR/s);
  });

  test('missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-'));
    expect(() => readSplit('test', dir, unverified)).toThrow(/t10k-images-idx3-ubyte\.gz: missing\. Expected the official .*set FASHION_MNIST_DIR=\/path\/to\/them, or run `npm run data -- --download`/);
  });

  test('a folder where a file should be', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-'));
    mkdirSync(join(dir, OFFICIAL_FILES.test.images.name));
    expect(() => readSplit('test', dir, unverified)).toThrow(/t10k-images-idx3-ubyte\.gz: expected the official t10k-images-idx3-ubyte\.gz file, found a folder/);
  });

  test('an empty FASHION_MNIST_DIR counts as unset, not as a folder named ""', () => {
    const saved = process.env.FASHION_MNIST_DIR;
    try {
      process.env.FASHION_MNIST_DIR = '';
      expect(dataDirFromEnv()).toBeUndefined();
      process.env.FASHION_MNIST_DIR = '/some/dir';
      expect(dataDirFromEnv()).toBe('/some/dir');
    } finally {
      process.env.FASHION_MNIST_DIR = saved;
    }
  });

  test('checksum mismatch against the official sha256', () => {
    const dir = writeSplit('test', 4);
    expect(() => readSplit('test', dir)).toThrow(new RegExp(`t10k-images-idx3-ubyte.gz: checksum mismatch, expected sha256 ${OFFICIAL_FILES.test.images.sha256}, found [0-9a-f]{64}`));
  });

  test('truncated gzip', () => {
    const good = gzipSync(idx(2051, [4, 28, 28], new Uint8Array(4 * 784)));
    const dir = writeSplit('test', 4, { images: good.subarray(0, good.length - 20) });
    expect(() => readSplit('test', dir, unverified)).toThrow(/t10k-images-idx3-ubyte\.gz: not a valid gzip stream/);
  });

  test('wrong magic number', () => {
    const dir = writeSplit('test', 4, { images: gzipSync(idx(2049, [4, 28, 28], new Uint8Array(4 * 784))) });
    expect(() => readSplit('test', dir, unverified)).toThrow(/wrong IDX magic number, expected 2051, found 2049/);
  });

  test('wrong dimensions', () => {
    const dir = writeSplit('test', 4, { images: gzipSync(idx(2051, [4, 32, 32], new Uint8Array(4 * 1024))) });
    expect(() => readSplit('test', dir, unverified)).toThrow(/expected 28×28 images, found 32×32/);
  });

  test('data shorter than its header says', () => {
    const dir = writeSplit('test', 4, { images: gzipSync(idx(2051, [4, 28, 28], new Uint8Array(3 * 784))) });
    expect(() => readSplit('test', dir, unverified)).toThrow(/expected 3152 bytes for 4 items, found 2368/);
  });

  test('image and label counts differ', () => {
    const dir = writeSplit('test', 4, { labels: gzipSync(idx(2049, [3], new Uint8Array(3))) });
    expect(() => readSplit('test', dir, unverified)).toThrow(/has 4 images but .*t10k-labels-idx1-ubyte\.gz has 3 labels/);
  });

  test('errors are DatasetErrors', () => {
    expect(() => readSplit('test', mkdtempSync(join(tmpdir(), 'fmnist-')), unverified)).toThrow(DatasetError);
  });

  test('invalid classes', () => {
    expect(() => selectClasses({ pixels: new Uint8Array(0), labels: new Uint8Array(0), count: 0 }, [12])).toThrow(/expected integers 0-9.*found 12/);
  });
});

describe('seeded batching', () => {
  test('each epoch is a permutation; the same seed gives the same batches; another seed differs', () => {
    const seen = new Set<number>();
    for (let step = 0; step < 10; step++) batchIndices(40, 4, 3, step).forEach((i) => seen.add(i));
    expect(seen.size).toBe(40);
    expect(Array.from(batchIndices(40, 4, 3, 7))).toEqual(Array.from(batchIndices(40, 4, 3, 7)));
    expect(Array.from(batchIndices(40, 4, 3, 0))).not.toEqual(Array.from(batchIndices(40, 4, 4, 0)));
    expect(Array.from(batchIndices(40, 4, 3, 0))).not.toEqual(Array.from(batchIndices(40, 4, 3, 10)));
  });

  test('a batch larger than the data is an error', () => {
    expect(() => batchIndices(10, 64, 1, 0)).toThrow(/batch size 64 is larger than the 10 training images/);
  });
});

describe('downloading from the official source (fetch served from the local copy)', () => {
  const source = () => resolveDataDir();
  const names = Object.values(OFFICIAL_FILES).flatMap((s) => [s.images.name, s.labels.name]);
  const serve = (tamper?: string) =>
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (url) => {
      const name = String(url).slice(OFFICIAL_BASE_URL.length);
      const bytes = readFileSync(join(source(), name));
      if (name === tamper) bytes[bytes.length - 1]! ^= 0xff;
      return new Response(bytes, { headers: { 'content-length': String(bytes.length) } });
    });
  afterEach(() => jest.restoreAllMocks());

  test('fetches the four files from the official address, verified, with progress', async () => {
    const fetched = serve();
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-download-'));
    const progress: string[] = [];
    await downloadFashionMnist(dir, (file, received, total) => received === total && progress.push(file));
    expect(fetched.mock.calls.map(([url]) => String(url))).toEqual(names.map((n) => OFFICIAL_BASE_URL + n));
    expect(readdirSync(dir).sort()).toEqual([...names].sort());
    expect(progress.sort()).toEqual([...names].sort());
    expect(Array.from(readSplit('test', dir).labels.subarray(0, 3))).toEqual([9, 2, 1]);
  });

  test('a file whose checksum differs is refused and nothing of it is saved', async () => {
    serve(OFFICIAL_FILES.test.labels.name);
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-download-'));
    await expect(downloadFashionMnist(dir)).rejects.toThrow(/t10k-labels-idx1-ubyte\.gz: checksum mismatch, expected sha256 [0-9a-f]{64}, found [0-9a-f]{64}; nothing was saved/);
    expect(readdirSync(dir)).not.toContain(OFFICIAL_FILES.test.labels.name);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('a download cut off mid-stream names the address and saves nothing', async () => {
    jest.spyOn(globalThis, 'fetch').mockImplementation(async () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(10));
          controller.error(new TypeError('terminated'));
        },
      });
      return new Response(body, { headers: { 'content-length': '100' } });
    });
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-download-'));
    await expect(downloadFashionMnist(dir)).rejects.toThrow(/train-images-idx3-ubyte\.gz: the download stopped after \d+ of 100 bytes \(terminated\); nothing was saved to .*train-images-idx3-ubyte\.gz\./);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a folder where a file would be downloaded is an error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-download-'));
    mkdirSync(join(dir, OFFICIAL_FILES.train.images.name));
    await expect(downloadFashionMnist(dir)).rejects.toThrow(/train-images-idx3-ubyte\.gz: expected the official train-images-idx3-ubyte\.gz file \(or nothing, to download it\), found a folder/);
  });

  test('offline: the error says where to put the files instead', async () => {
    jest.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('fetch failed'));
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-download-'));
    await expect(downloadFashionMnist(dir)).rejects.toThrow(/could not download .*train-images-idx3-ubyte\.gz \(fetch failed\)\. Offline\? Copy the official/);
  });
});
