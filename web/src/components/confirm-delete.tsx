import { type ReactNode, useCallback } from 'react';
import { errorMessage } from '../lib/api.ts';
import { Button, ConfirmDialog, useToast } from './ui/index.ts';

/** Wraps an action for ConfirmDialog: a failure is toasted and rethrown, so the dialog stays open for a retry. */
export function useToastFailure() {
  const { toast } = useToast();
  return useCallback(
    <T,>(action: Promise<T>): Promise<T> =>
      action.catch((e: unknown) => {
        toast({ title: errorMessage(e), variant: 'error' });
        throw e;
      }),
    [toast],
  );
}

/** The small "Delete" button of a named list row, which asks before it deletes. */
export function ConfirmDelete({
  name,
  description,
  confirmLabel,
  onDelete,
}: {
  name: string;
  description: ReactNode;
  confirmLabel: string;
  onDelete: () => Promise<unknown>;
}) {
  const toastFailure = useToastFailure();
  return (
    <ConfirmDialog
      trigger={
        <Button size="sm" variant="destructive-ghost" aria-label={`Delete ${name}`}>
          Delete
        </Button>
      }
      title={`Delete ${name}?`}
      description={description}
      confirmLabel={confirmLabel}
      destructive
      onConfirm={() => toastFailure(onDelete())}
    />
  );
}
