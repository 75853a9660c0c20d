import { buttonClasses } from '../../components/ui/index.ts';

/** "Download sales CSV" for an artist account; a plain link so the browser saves the file the server names. */
export function SalesExportLink({ accountId, className }: { accountId: string; className?: string }) {
  return (
    <a
      href={`/api/marketplace/accounts/${accountId}/sales.csv`}
      download
      className={buttonClasses({ variant: 'secondary', size: 'sm', className })}
    >
      Download sales CSV
    </a>
  );
}
