/** The jest transformer's prelude: fast global bindings without changing what a module means. */
import transformer from './fast-globals-transform.cjs';

const { process: transform } = transformer.createTransformer({ esmPackages: ['pixelmatch'] });

test('this file was transformed: Math is a module binding, not a lookup on the global object', () => {
  const realMath = globalThis.Math;
  const g = globalThis as { Math: unknown };
  g.Math = {};
  try {
    expect(Math).toBe(realMath);
  } finally {
    g.Math = realMath;
  }
});

test("a 'use strict' directive stays the first statement, so strict files stay strict", () => {
  const sloppyThis = function (this: unknown) {
    return this;
  };
  expect(sloppyThis()).toBeUndefined();
  const { code } = transform("'use strict';\nmodule.exports = 1;", '/x/node_modules/pngjs/lib/a.js', {});
  expect(code.startsWith("'use strict';const { Math,")).toBe(true);
});

test('plain CommonJS gets the prelude alone; ESM-only packages are compiled first', () => {
  expect(transform('module.exports = Math.PI;', '/x/node_modules/pngjs/lib/b.js', {}).code).toMatch(/^const \{ Math, [^}]+\} = globalThis;module\.exports = Math\.PI;$/);
  const esm = transform('export default 1;', '/x/node_modules/pixelmatch/index.js', { supportsStaticESM: false }).code;
  expect(esm).toContain('exports');
  expect(esm).not.toContain('export default');
});

test('a name the file declares itself is left to the file (no redeclaration)', () => {
  for (const src of ['var Buffer = require("buffer").Buffer;', 'const { Buffer } = require("buffer");', 'class Buffer {}']) {
    const { code } = transform(src, '/x/node_modules/pngjs/lib/c.js', {});
    expect(code).toMatch(/^const \{ Math, [^}]+\} = globalThis;/);
    expect(code.slice(0, code.indexOf('globalThis'))).not.toContain('Buffer');
    expect(() => new Function(code)).not.toThrow();
  }
});
