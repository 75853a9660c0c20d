import { Link } from 'react-router';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import { CoinsIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Button,
  EmptyState,
  Field,
  PageHeader,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '../../components/ui/index.ts';
import { useListParams } from '../../lib/list-params.ts';
import type { Membership } from '../../lib/session.tsx';
import { AccountGate } from '../accounts/account-gate.tsx';
import { OrderRefCells, OrderTotalCell } from './amount.tsx';
import { ORDER_STATUSES, type OrderStatus, useOrders } from './api.ts';
import { ChannelBadge } from './channel.tsx';
import { DisputeBadge, DisputeSummary } from './dispute.tsx';
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
    update,
  } = useListParams({ status: parseStatus });
  const pages = useCursorPages(status);
  const orders = useOrders(account.accountId, { status, cursor: pages.cursor, limit: PAGE_SIZE });

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
      <CursorResults
        query={orders}
        pages={pages}
        loading={{ label: 'Loading orders', columns: 7 }}
        errorTitle="Could not load orders"
        empty={
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
        }
        pagesLabel="Orders pages"
        className="grid grid-cols-1"
        busy={orders.isFetching}
      >
        {(rows) => (
          <Table label={`Orders of ${account.name}`} aria-busy={orders.isFetching}>
            <TableHeader>
              <TableRow>
                <TableHead>Order</TableHead>
                <TableHead>Date</TableHead>
                <TableHead>Buyer</TableHead>
                <TableHead>Type</TableHead>
                <TableHead>Channel</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="text-right">Total</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((order) => (
                <TableRow key={order.id} data-testid="order-row" data-order-id={order.id}>
                  <OrderRefCells to={`/app/orders/${order.id}`} reference={orderRef(order.id)} date={order.createdAt} />
                  <TableCell className="max-w-56 truncate text-stone-600">{order.buyerEmail}</TableCell>
                  <TableCell className="text-stone-600">{offeringLabel(order.offeringType)}</TableCell>
                  <TableCell className="max-w-48">
                    <ChannelBadge channel={order.channel} agentPlatformName={order.agentPlatformName} />
                  </TableCell>
                  <TableCell>
                    <span className="flex flex-wrap gap-1">
                      <OrderStatusBadge status={order.status} />
                      {order.dispute ? <DisputeBadge dispute={order.dispute} /> : null}
                    </span>
                    {order.dispute ? <DisputeSummary dispute={order.dispute} /> : null}
                  </TableCell>
                  <OrderTotalCell order={order} />
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CursorResults>
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
            actions={
              <Button asChild variant="secondary">
                <Link to="/app/invoice-details">Invoice details</Link>
              </Button>
            }
          />
          <OrdersTable key={currentAccount.accountId} account={currentAccount} />
        </PageContainer>
      )}
    </AccountGate>
  );
}
