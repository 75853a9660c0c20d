import { describe, expect, it } from 'vitest';
import { parseEnv } from '../config.ts';
import { pickClientIp } from './middleware.ts';

describe('pickClientIp', () => {
  it('ignores X-Forwarded-For unless proxies are trusted, so clients cannot choose their rate-limit key', () => {
    expect(pickClientIp('10.0.0.5', '1.2.3.4', 0)).toBe('10.0.0.5');
    expect(pickClientIp('10.0.0.5', undefined, 1)).toBe('10.0.0.5');
    expect(parseEnv({}).TRUST_PROXY).toBe(0);
  });

  it('takes the address the outermost trusted proxy saw, never a spoofed entry further left', () => {
    // One proxy: it appended the real client; "6.6.6.6" was forged by the client itself.
    expect(pickClientIp('10.0.0.5', '6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    // Two proxies (CDN then load balancer): the client is second from the right.
    expect(pickClientIp('10.0.0.5', '6.6.6.6, 203.0.113.7, 198.51.100.2', 2)).toBe('203.0.113.7');
    // Fewer entries than trusted hops: the leftmost is the best we know.
    expect(pickClientIp('10.0.0.5', ' 203.0.113.7 ', 3)).toBe('203.0.113.7');
    expect(pickClientIp('10.0.0.5', ' , ', 1)).toBe('10.0.0.5');
  });

  it('refuses a nonsense setting at boot', () => {
    expect(() => parseEnv({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
  });
});
