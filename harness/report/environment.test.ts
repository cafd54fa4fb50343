import { chromiumPath } from './environment';

describe('chromiumPath', () => {
  test("Debian's Chromium binary, not the /usr/bin wrapper that reads /etc/chromium.d", () => {
    expect(chromiumPath({})).toBe('/usr/lib/chromium/chromium');
    expect(chromiumPath({ CHROMIUM_PATH: '' })).toBe('/usr/lib/chromium/chromium');
  });

  test('CHROMIUM_PATH overrides it', () => {
    expect(chromiumPath({ CHROMIUM_PATH: '/snap/chromium/current/usr/lib/chromium-browser/chrome' })).toBe('/snap/chromium/current/usr/lib/chromium-browser/chrome');
  });
});
