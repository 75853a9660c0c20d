import { describe, expect, it } from 'vitest';
import { safeNext, slugify, validateEmail, validateName, validatePassword, validateSlug } from './validation.ts';

describe('slugify', () => {
  it('derives URL-safe slugs from display names', () => {
    expect(slugify('Northlight Studio')).toBe('northlight-studio');
    expect(slugify('  Café Noir & Co.  ')).toBe('cafe-noir-and-co');
    expect(slugify('Ångström / Photo -- Lab')).toBe('angstrom-photo-lab');
    expect(slugify('***')).toBe('');
  });

  it('caps the length without leaving a trailing hyphen', () => {
    const slug = slugify(`${'a'.repeat(59)} b`);
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug.endsWith('-')).toBe(false);
  });

  it('produces slugs that pass slug validation', () => {
    for (const name of ['Acme Corp', 'Skywalker Digital', 'Ü-Bahn Prints 2024']) {
      expect(validateSlug(slugify(name))).toBeUndefined();
    }
  });
});

describe('validators mirror the server rules', () => {
  it('checks email format', () => {
    expect(validateEmail('')).toBeDefined();
    expect(validateEmail('no-at-sign')).toBeDefined();
    expect(validateEmail('a@b')).toBeDefined();
    expect(validateEmail(' person@example.com ')).toBeUndefined();
  });

  it('requires passwords of at least 10 characters', () => {
    expect(validatePassword('123456789')).toBeDefined();
    expect(validatePassword('1234567890')).toBeUndefined();
  });

  it('requires names of 1–100 characters', () => {
    expect(validateName('   ')).toBeDefined();
    expect(validateName('x'.repeat(101))).toBeDefined();
    expect(validateName('x'.repeat(100))).toBeUndefined();
  });

  it('rejects malformed slugs', () => {
    expect(validateSlug('Has Caps')).toBeDefined();
    expect(validateSlug('-leading')).toBeDefined();
    expect(validateSlug('double--hyphen')).toBeDefined();
    expect(validateSlug('fine-slug-2')).toBeUndefined();
  });
});

describe('safeNext', () => {
  it('keeps same-site paths and rejects everything else', () => {
    expect(safeNext('/app/members?x=1')).toBe('/app/members?x=1');
    expect(safeNext(null)).toBe('/app');
    expect(safeNext('https://evil.example')).toBe('/app');
    expect(safeNext('//evil.example')).toBe('/app');
    expect(safeNext('/\\evil.example')).toBe('/app');
  });
});
