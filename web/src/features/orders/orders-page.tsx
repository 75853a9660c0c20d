import { Link } from 'react-router';
import { CoinsIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Button,
  EmptyState,
  ErrorAlert,
  Field,
  PageHeader,
  Pagination,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  TableSkeleton,
} from '../../components/ui/index.ts';
import { formatDate } from '../../lib/format.ts';
import { useListParams } from '../../lib/list-params.ts';
import type { Membership } from '../../lib/session.tsx';
import { AccountGate } from '../accounts/account-gate.tsx';
import { TotalWithRefund } from './amount.tsx';
import { ORDER_STATUSES, type OrderStatus, useOrders } from './api.ts';
import { OrderStatusBadge, offeringLabel, orderRef, statusLabel } from './status.tsx';

const PAGE_SIZE = 20;
const STATUS_OPTIONS = [
  { value: 'all', label: 'All statuses' },
  ...ORDER_STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
];

function parseStatus(value: string | null): OrderStatus | '' {
  return (ORDER_STATUSES as readonly string[]).includes(value ?? '') ? (value as OrderStatus) : '';
}

function OrdersTable({ account }: { account: Membership }) {
  const {
    filters: { status },
    page,
    update,
  } = useListParams({ status: parseStatus });
  const orders = useOrders(account.accountId, { status, page, pageSize: PAGE_SIZE });

  return (
    <div className="grid grid-cols-1 gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Status" className="w-full sm:w-60">
          <Select
            name="status"
            value={status || 'all'}
            onValueChange={(v) => update({ status: v === 'all' ? '' : (v as OrderStatus), page: 1 })}
            options={STATUS_OPTIONS}
          />
        </Field>
      </div>
      {orders.isPending ? (
        <TableSkeleton rows={5} columns={6} label="Loading orders" />
      ) : orders.isError ? (
        <ErrorAlert error={orders.error} onRetry={() => orders.refetch()} title="Could not load orders" />
      ) : orders.data.data.length === 0 ? (
        <EmptyState
          as="h2"
          icon={CoinsIcon}
          title={status ? `No ${statusLabel(status).toLowerCase()} orders` : 'No orders yet'}
          description={
            status
              ? 'Try another status, or show all orders.'
              : 'When buyers check out, their orders appear here with payments, refunds and invoices.'
          }
          action={
            status ? (
              <Button variant="secondary" onClick={() => update({ status: '', page: 1 })}>
                Show all orders
              </Button>
            ) : null
          }
        />
      ) : (
        <div className="grid grid-cols-1">
          <Table label={`Orders of ${account.name}`} aria-busy={orders.isFetching}>
            <TableHeader>
              <TableRow>
                <TableHead>Order</TableHead>
                <TableHead>Date</TableHead>
                <TableHead>Buyer</TableHead>
                <TableHead>Type</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="text-right">Total</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {orders.data.data.map((order) => (
                <TableRow key={order.id} data-testid="order-row" data-order-id={order.id}>
                  <TableCell className="font-medium">
                    <Link to={`/app/orders/${order.id}`} className="font-mono text-accent-800 hover:underline">
                      {orderRef(order.id)}
                    </Link>
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-stone-600">
                    <time dateTime={order.createdAt}>{formatDate(order.createdAt)}</time>
                  </TableCell>
                  <TableCell className="max-w-56 truncate text-stone-600">{order.buyerEmail}</TableCell>
                  <TableCell className="text-stone-600">{offeringLabel(order.offeringType)}</TableCell>
                  <TableCell>
                    <OrderStatusBadge status={order.status} />
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-right tabular-nums">
                    <TotalWithRefund total={order.total} refunded={order.amountRefunded} currency={order.currency} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pagination
            label="Orders pages"
            page={page}
            pageSize={PAGE_SIZE}
            total={orders.data.total}
            onPageChange={(p) => update({ page: p })}
            disabled={orders.isFetching}
          />
        </div>
      )}
    </div>
  );
}

export function OrdersPage() {
  return (
    <AccountGate
      title="Orders"
      emptyDescription="Orders belong to a seller account. Create one for your studio or practice to start selling."
      chooseHeading="Which account’s orders do you want to see?"
    >
      {(currentAccount) => (
        <PageContainer>
          <PageHeader
            eyebrow={currentAccount.name}
            title="Orders"
            description="Payments, refunds and invoices for everything this account sells."
          />
          <OrdersTable key={currentAccount.accountId} account={currentAccount} />
        </PageContainer>
      )}
    </AccountGate>
  );
}
