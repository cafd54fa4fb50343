import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitCommit } from './environment';

describe('gitCommit', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const write = (path: string, text: string) => {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  };

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'git-commit-'));
    git('init', '-q');
    write('models/train.ts', 'code');
    write('cli.ts', 'code');
    write('models/checkpoints/vae/manifest.json', '{}');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  test('a clean tree is HEAD; changed code anywhere in the repository is +dirty', () => {
    const head = git('rev-parse', 'HEAD');
    expect(gitCommit(join(repo, 'models'))).toBe(head);
    write('cli.ts', 'changed');
    expect(gitCommit(join(repo, 'models'))).toBe(`${head}+dirty`);
    git('checkout', '--', 'cli.ts');
    write('models/train.ts', 'changed');
    expect(gitCommit(repo)).toBe(`${head}+dirty`);
  });

  test('a republished checkpoint or an untracked file does not make the code dirty', () => {
    write('models/checkpoints/vae/manifest.json', '{"step": 1}');
    write('models/untracked.ts', 'new');
    expect(gitCommit(join(repo, 'models'))).toBe(git('rev-parse', 'HEAD'));
  });

  test('outside a repository: unknown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-git-'));
    try {
      expect(gitCommit(dir)).toBe('unknown');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
