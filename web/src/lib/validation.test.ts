import { describe, expect, it } from 'vitest';
import * as fields from '../../../src/accounts/fields.ts';
import { Email, Name, Password, SignInPassword, SLUG_MAX, Slug } from '../../../src/accounts/fields.ts';
import * as accountSchemas from '../../../src/accounts/schema.ts';
import { ArtworkCheckoutInput } from '../../../src/marketplace/schema.ts';
import { fieldError, safeNext, slugify } from './validation.ts';

describe('slugify', () => {
  it('derives URL-safe slugs from display names', () => {
    expect(slugify('Northlight Studio')).toBe('northlight-studio');
    expect(slugify('  Café Noir & Co.  ')).toBe('cafe-noir-and-co');
    expect(slugify('Ångström / Photo -- Lab')).toBe('angstrom-photo-lab');
    expect(slugify('***')).toBe('');
  });

  it('caps the length at the server schema’s maximum without leaving a trailing hyphen', () => {
    expect(Slug.maxLength).toBe(SLUG_MAX);
    const slug = slugify(`${'a'.repeat(SLUG_MAX - 1)} b`);
    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX);
    expect(slug.endsWith('-')).toBe(false);
    expect(slugify('a'.repeat(SLUG_MAX + 10))).toHaveLength(SLUG_MAX);
  });

  it('produces slugs the server accepts', () => {
    for (const name of ['Acme Corp', 'Skywalker Digital', 'Ü-Bahn Prints 2024']) {
      expect(fieldError(Slug, slugify(name))).toBeUndefined();
    }
  });
});

describe('forms validate with the server’s own schemas', () => {
  it('uses the very schemas the API validates request bodies with', () => {
    expect(accountSchemas.SignUpInput.shape.email).toBe(fields.Email);
    expect(accountSchemas.SignUpInput.shape.password).toBe(fields.Password);
    expect(accountSchemas.SignUpInput.shape.name).toBe(fields.Name);
    expect(accountSchemas.SignInInput.shape.password).toBe(fields.SignInPassword);
    expect(accountSchemas.ResetConfirmInput.shape.password).toBe(fields.Password);
    expect(accountSchemas.CreateAccountInput.shape.slug).toBe(fields.Slug);
    expect(accountSchemas.InviteInput.shape.email).toBe(fields.Email);
    expect(accountSchemas.Email).toBe(fields.Email);
  });

  it('refuses a too-short password with the message the API answers with', () => {
    const message = 'Use at least 10 characters.';
    expect(fieldError(Password, '123456789')).toBe(message);
    const api = accountSchemas.SignUpInput.safeParse({ email: 'a@example.com', password: '123456789', name: 'A' });
    expect(api.success).toBe(false);
    expect(api.error?.issues.map((i) => i.message)).toEqual([message]);
    expect(fieldError(Password, '')).toBe('Enter a password.');
    expect(fieldError(Password, '1234567890')).toBeUndefined();
  });

  it('checks email addresses', () => {
    expect(fieldError(Email, '')).toBe('Enter your email address.');
    expect(fieldError(Email, '   ')).toBe('Enter your email address.');
    expect(fieldError(Email, 'no-at-sign')).toBe('Enter a valid email address, like name@example.com.');
    expect(fieldError(Email, 'a@b')).toBeDefined();
    expect(fieldError(Email, `${'a'.repeat(250)}@example.com`)).toBeDefined();
    expect(fieldError(Email, ' person@example.com ')).toBeUndefined();
    // The guest checkout takes the same field.
    expect(ArtworkCheckoutInput.shape.email.unwrap()).toBe(fields.Email);
  });

  it('asks for a password to sign in without the sign-up length rule', () => {
    expect(fieldError(SignInPassword, '')).toBe('Enter your password.');
    expect(fieldError(SignInPassword, 'short')).toBeUndefined();
  });

  it('requires names of 1–100 characters', () => {
    expect(fieldError(Name, '   ')).toBe('Enter a name.');
    expect(fieldError(Name, 'x'.repeat(101))).toBe('Keep the name to 100 characters or fewer.');
    expect(fieldError(Name, 'x'.repeat(100))).toBeUndefined();
  });

  it('rejects malformed slugs', () => {
    expect(fieldError(Slug, '')).toBe('Enter a URL name.');
    expect(fieldError(Slug, 'a')).toBe('Use at least 2 characters.');
    expect(fieldError(Slug, 'a'.repeat(SLUG_MAX + 1))).toBe(`Keep it to ${SLUG_MAX} characters or fewer.`);
    expect(fieldError(Slug, 'Has Caps')).toBe('Use lowercase letters, numbers and single hyphens.');
    expect(fieldError(Slug, '-leading')).toBeDefined();
    expect(fieldError(Slug, 'double--hyphen')).toBeDefined();
    expect(fieldError(Slug, 'fine-slug-2')).toBeUndefined();
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
