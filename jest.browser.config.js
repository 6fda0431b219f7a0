/** Browser tests: the built server in local mode, driven through Debian's Chromium. */
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 60000,
};
