import { describe, expect, it } from 'vitest';
import { cn } from './cn';

describe('cn', () => {
  it('lets a caller override a component default of the same property', () => {
    expect(cn('w-full px-3', 'w-20')).toBe('px-3 w-20');
    expect(cn('h-10 rounded-control', 'rounded-card')).toBe('h-10 rounded-card');
    expect(cn('bg-surface', 'bg-subtle')).toBe('bg-subtle');
  });

  it('keeps classes of different properties and skips falsy values', () => {
    expect(cn('text-sm text-muted', false, null, undefined, 'font-display font-semibold')).toBe(
      'text-sm text-muted font-display font-semibold',
    );
    expect(cn('max-w-xs', { 'sm:w-40': true, hidden: false })).toBe('max-w-xs sm:w-40');
  });
});
