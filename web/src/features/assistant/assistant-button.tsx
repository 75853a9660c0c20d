import { lazy, Suspense, useState } from 'react';
import { SparklesIcon } from '../../components/icons.tsx';
import { Button, type ButtonProps, Dialog, DialogContent, DialogTrigger, Spinner } from '../../components/ui/index.ts';
import type { AssistantName } from './api.ts';
import { assistantCopy } from './assistant-copy.ts';

// The panel (Markdown renderer, stream reader, tool cards) loads only when someone opens it.
const AssistantPanel = lazy(() => import('./assistant-panel.tsx'));

/**
 * "Ask the … assistant": opens an assistant as a side sheet (full screen on a phone). The conversation outlives the
 * sheet, so closing it or moving to another page keeps it. The seller assistants work in `accountId`.
 */
export function AssistantButton({
  assistant = 'patron',
  accountId,
  variant = 'secondary',
  className,
}: Pick<ButtonProps, 'variant' | 'className'> & { assistant?: AssistantName; accountId?: string }) {
  const [open, setOpen] = useState(false);
  const copy = assistantCopy[assistant];
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant={variant} className={className}>
          <SparklesIcon size={16} aria-hidden="true" />
          {copy.button}
        </Button>
      </DialogTrigger>
      <DialogContent
        title={copy.title}
        // The panel focuses its message box itself once it has loaded.
        onOpenAutoFocus={(e) => e.preventDefault()}
        className="top-0 right-0 bottom-0 left-0 flex h-dvh max-h-dvh w-full max-w-none translate-x-0 translate-y-0 flex-col gap-3 overflow-hidden rounded-none border-0 p-4 sm:left-auto sm:w-[30rem] sm:border-l sm:p-5 data-[state=open]:animate-fade-in"
      >
        <Suspense fallback={<Spinner label="Loading the assistant" className="justify-center py-8" />}>
          <AssistantPanel assistant={assistant} accountId={accountId} onNavigate={() => setOpen(false)} />
        </Suspense>
      </DialogContent>
    </Dialog>
  );
}
