import { describe, expect, it } from 'vitest';
import { accentStyle, galleryStudio } from './branding.ts';

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

describe('galleryStudio', () => {
  const lumen = { studioName: 'Lumen Photography', accentColor: '#1e3a8a', logoUrl: '/logo.png' };
  it('comes from the gallery once open, and from the PIN refusal before', () => {
    expect(galleryStudio(lumen, null)).toEqual(lumen);
    expect(galleryStudio(undefined, { details: { pinRequired: true, ...lumen } })).toEqual(lumen);
    expect(galleryStudio(undefined, { details: { pinRequired: true, studioName: 'Lumen' } })).toEqual({
      studioName: 'Lumen',
      accentColor: null,
      logoUrl: null,
    });
  });

  it('is unknown for an expired or missing gallery', () => {
    expect(galleryStudio(undefined, { details: null })).toBeNull();
    expect(galleryStudio(undefined, null)).toBeNull();
  });
});
