import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { SparklesIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  EmptyState,
  ErrorAlert,
  Field,
  PageHeader,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  TableSkeleton,
} from '../../components/ui/index.ts';
import { api } from '../../lib/api.ts';
import type { ApiResponse } from '../../lib/api-types.ts';

type Usage = ApiResponse<'/admin/assistant/usage', 'get'>;
const PERIODS = ['1', '7', '30', '90'] as const;
const count = new Intl.NumberFormat();
const label = { patron: 'Patron', artist: 'Artist', studio: 'Studio' } as const;

/** Assistant token usage per user, account and model, for platform admins (decision 028). */
export function AssistantUsagePage() {
  const [params, setParams] = useSearchParams();
  const days = PERIODS.includes(params.get('days') as (typeof PERIODS)[number]) ? (params.get('days') as string) : '30';
  const q = useQuery({
    queryKey: ['admin', 'assistant-usage', days],
    queryFn: ({ signal }) => api.get<Usage>('/api/admin/assistant/usage', { days }, signal),
  });
  const totals = q.data?.data.reduce(
    (t, r) => ({ requests: t.requests + r.requests, tokens: t.tokens + r.inputTokens + r.outputTokens }),
    { requests: 0, tokens: 0 },
  );
  return (
    <PageContainer>
      <PageHeader
        title="Assistant usage"
        description={
          totals
            ? `${count.format(totals.requests)} model calls, ${count.format(totals.tokens)} tokens in the period.`
            : 'Model calls and tokens per user, account and model.'
        }
      />
      <div className="mb-6 max-w-xs">
        <Field label="Period">
          <Select
            value={days}
            onValueChange={(d) => setParams(d === '30' ? {} : { days: d }, { replace: true })}
            options={PERIODS.map((d) => ({ value: d, label: d === '1' ? 'Last 24 hours' : `Last ${d} days` }))}
          />
        </Field>
      </div>
      {q.isPending ? (
        <TableSkeleton />
      ) : q.isError ? (
        <ErrorAlert error={q.error} onRetry={q.refetch} title="Could not load assistant usage" />
      ) : q.data.data.length === 0 ? (
        <EmptyState
          icon={SparklesIcon}
          title="No assistant use in this period"
          description="Calls appear here once someone asks an assistant a question (a model must be configured)."
        />
      ) : (
        <Table label="Assistant usage">
          <TableHeader>
            <TableRow>
              <TableHead>Who</TableHead>
              <TableHead>Account</TableHead>
              <TableHead>Assistant</TableHead>
              <TableHead>Model</TableHead>
              <TableHead className="text-right">Calls</TableHead>
              <TableHead className="text-right">Input tokens</TableHead>
              <TableHead className="text-right">Output tokens</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {q.data.data.map((r) => (
              <TableRow key={`${r.who}|${r.account}|${r.assistant}|${r.model}`}>
                <TableCell>{r.who}</TableCell>
                <TableCell>{r.account ?? '—'}</TableCell>
                <TableCell>{label[r.assistant]}</TableCell>
                <TableCell className="font-mono text-xs">{r.model}</TableCell>
                <TableCell className="text-right tabular-nums">{count.format(r.requests)}</TableCell>
                <TableCell className="text-right tabular-nums">{count.format(r.inputTokens)}</TableCell>
                <TableCell className="text-right tabular-nums">{count.format(r.outputTokens)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </PageContainer>
  );
}
