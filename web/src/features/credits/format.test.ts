import { describe, expect, it } from 'vitest';
import { formatMinutes, parseDuration } from './format.ts';

describe('credit formatting', () => {
  it('shows minutes as hours and minutes', () => {
    expect(formatMinutes(0)).toBe('0 h');
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatMinutes(600)).toBe('10 h');
    expect(formatMinutes(750)).toBe('12 h 30 min');
  });

  it('parses durations typed as h:mm, decimal hours or minutes', () => {
    expect(parseDuration('1:30')).toBe(90);
    expect(parseDuration('1.5')).toBe(90);
    expect(parseDuration('2h')).toBe(120);
    expect(parseDuration('45m')).toBe(45);
    expect(parseDuration('45 min')).toBe(45);
    for (const bad of ['', '0', 'abc', '1:75', '-1']) expect(parseDuration(bad)).toBeNull();
  });
});
