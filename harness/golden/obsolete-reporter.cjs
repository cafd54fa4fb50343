// jest loads reporters with a plain require, without its transform, so this shim compiles the
// TypeScript reporter with tsx (the project's TypeScript runner) and hands jest the class.
module.exports = require('tsx/cjs/api').require('./obsolete-reporter.ts', __filename);
