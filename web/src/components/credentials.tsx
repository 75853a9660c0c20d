import { formatDate, formatRelative } from '../lib/format.ts';
import { TrashIcon } from './icons.tsx';
import { Button, ConfirmDialog, useToast } from './ui/index.ts';

/** A secret that exists only in this response (an API key, a bearer token), with a copy button. */
export function SecretValue({ label, value, testId }: { label: string; value: string; testId: string }) {
  const { toast } = useToast();
  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => toast({ title: `${label} copied`, variant: 'success' }),
      () => toast({ title: 'Copy failed: select it and copy it by hand', variant: 'error' }),
    );
  return (
    <div className="grid gap-1">
      <span className="text-sm font-medium">{label}</span>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid={testId} className="min-w-0 break-all rounded bg-surface px-2 py-1 font-mono text-sm">
          {value}
        </code>
        <Button size="sm" variant="secondary" onClick={copy}>
          Copy<span className="sr-only"> {label.toLowerCase()}</span>
        </Button>
      </div>
    </div>
  );
}

/** When a credential was last used, relative with the exact date on hover, or "Never". */
export function LastUsed({ at }: { at: string | null }) {
  if (!at) return <>Never</>;
  return (
    <time dateTime={at} title={formatDate(at)}>
      {formatRelative(at)}
    </time>
  );
}

/** The revoke button of a credential's table row, behind a confirmation. */
export function RevokeCredential({
  name,
  description,
  confirmLabel,
  onConfirm,
}: {
  name: string;
  description: string;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
}) {
  return (
    <ConfirmDialog
      title={`Revoke “${name}”?`}
      description={description}
      confirmLabel={confirmLabel}
      destructive
      onConfirm={onConfirm}
      trigger={
        <Button variant="destructive-ghost" size="sm">
          <TrashIcon size={15} />
          Revoke<span className="sr-only"> {name}</span>
        </Button>
      }
    />
  );
}
