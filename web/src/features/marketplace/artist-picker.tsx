import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { controlClasses } from '../../components/ui/input.tsx';
import { api } from '../../lib/api.ts';
import type { ApiResponse } from '../../lib/api-types.ts';
import { cn } from '../../lib/cn.ts';

type AccountPage = ApiResponse<'/admin/accounts', 'get'>;
const SHOWN = 20;

/** Artist accounts whose name or handle contains `q`, newest first, for the picker (platform admins). */
function useArtistSearch(q: string, enabled: boolean) {
  return useQuery({
    queryKey: ['admin', 'accounts', 'artists', q],
    queryFn: ({ signal }) =>
      api.get<AccountPage>('/api/admin/accounts', { kind: 'artist', limit: SHOWN, ...(q ? { q } : {}) }, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}

type Option = { id: string; name: string; slug?: string };

type ArtistPickerProps = {
  /** The chosen account id; '' for none. */
  value: string;
  onChange: (accountId: string, name: string) => void;
  /** The chosen artist's name when the page knows it (a filter read from the address bar). */
  selectedLabel?: string;
  /** Offers "no artist" as the first choice under this label (filters); absent for a required choice. */
  noneLabel?: string;
  placeholder?: string;
  id?: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  'aria-required'?: boolean;
};

/**
 * Search-as-you-type artist choice (WAI-ARIA combobox with a listbox popup): any number of artists, the first 20
 * matches at a time, by name or handle. Arrow keys move, Enter picks, Escape closes and restores the choice.
 */
export function ArtistPicker({
  value,
  onChange,
  selectedLabel,
  noneLabel,
  placeholder = 'Search artists…',
  ...inputProps
}: ArtistPickerProps) {
  const listId = useId();
  const [picked, setPicked] = useState<Option | null>(null);
  const chosenName = value ? (picked?.id === value ? picked.name : (selectedLabel ?? '')) : (noneLabel ?? '');
  const [text, setText] = useState(chosenName);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [q, setQ] = useState('');
  const input = useRef<HTMLInputElement>(null);

  // The box shows the choice whenever the user is not typing in it.
  useEffect(() => {
    if (!open) setText(chosenName);
  }, [open, chosenName]);
  useEffect(() => {
    const t = setTimeout(() => setQ(open ? text.trim() : ''), 200);
    return () => clearTimeout(t);
  }, [text, open]);

  const search = useArtistSearch(q, open);
  const found: Option[] = (search.data?.data ?? []).map((a) => ({ id: a.id, name: a.name, slug: a.slug }));
  const options: Option[] = [...(noneLabel ? [{ id: '', name: noneLabel }] : []), ...found];
  const more = Boolean(search.data?.nextCursor);

  const choose = (o: Option) => {
    setPicked(o);
    onChange(o.id, o.name);
    setOpen(false);
    setText(o.id ? o.name : (noneLabel ?? ''));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) setOpen(true);
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (options.length ? (i + step + options.length) % options.length : 0));
    } else if (e.key === 'Enter' && open) {
      e.preventDefault();
      const o = options[active];
      if (o) choose(o);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setOpen(false);
    }
  };
  const optionId = (i: number) => `${listId}-option-${i}`;
  const status = search.isError
    ? 'Could not load artists. Try again.'
    : search.isPending
      ? 'Searching…'
      : found.length === 0
        ? q
          ? `No artist matches “${q}”`
          : 'No artists yet'
        : more
          ? `First ${SHOWN} matches: type more of the name to narrow them`
          : null;

  return (
    <div className="relative">
      <input
        ref={input}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && options[active] ? optionId(active) : undefined}
        autoComplete="off"
        spellCheck={false}
        className={cn(controlClasses, 'h-10 px-3 text-base sm:text-sm')}
        placeholder={placeholder}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={(e) => {
          e.currentTarget.select();
          setOpen(true);
        }}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        {...inputProps}
      />
      {open ? (
        <div className="absolute z-50 mt-1 w-full min-w-[14rem] overflow-hidden rounded-control border border-border bg-surface shadow-lg">
          <div id={listId} role="listbox" aria-label="Artists" className="max-h-72 overflow-y-auto p-1">
            {options.map((o, i) => (
              <div
                key={o.id || 'none'}
                id={optionId(i)}
                role="option"
                // Focus stays in the input (aria-activedescendant); -1 keeps options out of the tab order.
                tabIndex={-1}
                aria-selected={o.id === value}
                // mousedown, not click: the input keeps focus and the choice lands before blur closes the list.
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(o);
                }}
                onMouseEnter={() => setActive(i)}
                className={cn(
                  'flex cursor-pointer items-baseline justify-between gap-3 rounded-sm px-2 py-1.5 text-sm',
                  i === active && 'bg-stone-100',
                  o.id === value && 'font-medium',
                )}
              >
                <span className="truncate">{o.name}</span>
                {o.slug ? <span className="shrink-0 text-xs text-muted">@{o.slug}</span> : null}
              </div>
            ))}
          </div>
          {status ? (
            <p role="status" className="border-t border-border px-3 py-2 text-xs text-muted">
              {status}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
