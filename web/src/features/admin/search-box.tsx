import { useEffect, useId, useState } from 'react';
import { SearchIcon } from '../../components/icons.tsx';
import { Input, Label, Spinner } from '../../components/ui/index.ts';

/** Search input that reports changes after a short pause, so typing does not fire a request per key. */
export function SearchBox({
  label,
  value,
  onSearch,
  placeholder,
  busy,
}: {
  label: string;
  value: string;
  onSearch: (q: string) => void;
  placeholder?: string;
  busy?: boolean;
}) {
  const id = useId();
  const [draft, setDraft] = useState(value);

  // Follow external changes (back/forward navigation) without clobbering typing.
  useEffect(() => setDraft(value), [value]);

  useEffect(() => {
    if (draft.trim() === value) return;
    const timer = setTimeout(() => onSearch(draft.trim()), 300);
    return () => clearTimeout(timer);
  }, [draft, value, onSearch]);

  return (
    <search className="block w-full sm:max-w-sm">
      <form
        className="relative"
        onSubmit={(e) => {
          e.preventDefault();
          onSearch(draft.trim());
        }}
      >
        <Label htmlFor={id} className="sr-only">
          {label}
        </Label>
        <SearchIcon size={16} className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-stone-400" />
        <Input
          id={id}
          type="search"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder={placeholder}
          className="pr-9 pl-9"
        />
        {busy ? (
          <Spinner size="sm" label="" className="absolute top-1/2 right-3 -translate-y-1/2 text-stone-400" />
        ) : null}
      </form>
    </search>
  );
}
