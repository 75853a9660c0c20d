import { describe, expect, it } from 'vitest';
import { accentStyle } from './branding.ts';

describe('accentStyle', () => {
  it('uses white text on dark accents and black text on light ones', () => {
    expect(accentStyle('#1e3a8a')).toEqual({ backgroundColor: '#1e3a8a', color: '#ffffff' });
    expect(accentStyle('#fde68a')).toEqual({ backgroundColor: '#fde68a', color: '#000000' });
  });

  it('ignores a missing or malformed colour', () => {
    expect(accentStyle(null)).toBeUndefined();
    expect(accentStyle('red')).toBeUndefined();
  });
});
