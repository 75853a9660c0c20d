import { describe, expect, it } from 'vitest';
import { createApiError, formErrorsFrom, isApiError, parseApiError, withQuery } from './api.ts';

describe('parseApiError', () => {
  it('reads the contract error envelope', () => {
    const error = parseApiError(400, {
      error: { code: 'validation_failed', message: 'Invalid input', details: { fieldErrors: { email: ['Taken'] } } },
    });
    expect(isApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Invalid input' });
    expect(error.details?.fieldErrors).toEqual({ email: ['Taken'] });
  });

  it('falls back gracefully for non-JSON bodies', () => {
    expect(parseApiError(502, null)).toMatchObject({ code: 'http_error', status: 502 });
    expect(parseApiError(429, '<html>')).toMatchObject({
      code: 'http_error',
      message: expect.stringMatching(/too many/i),
    });
  });
});

describe('formErrorsFrom', () => {
  it('maps field errors onto the form fields and leaves the rest as a form error', () => {
    const error = createApiError(400, 'validation_failed', 'Invalid input', {
      fieldErrors: { email: ['Already registered', 'ignored'], token: ['Expired link'] },
    });
    expect(formErrorsFrom(error, ['email', 'password'])).toEqual({
      fieldErrors: { email: 'Already registered' },
      formError: 'Expired link',
    });
  });

  it('uses the message when there are no field errors', () => {
    const error = createApiError(401, 'invalid_credentials', 'Email or password is incorrect.');
    expect(formErrorsFrom(error, ['email', 'password'])).toEqual({
      fieldErrors: {},
      formError: 'Email or password is incorrect.',
    });
  });

  it('handles non-API errors', () => {
    expect(formErrorsFrom(new Error('boom'), ['email']).formError).toBe('boom');
  });
});

describe('withQuery', () => {
  it('skips empty values', () => {
    expect(withQuery('/api/admin/users', { q: '', page: 2, pageSize: 20, x: undefined })).toBe(
      '/api/admin/users?page=2&pageSize=20',
    );
  });
});
