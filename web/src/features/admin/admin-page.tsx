import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import { BuildingIcon, UsersIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Badge,
  Button,
  EmptyState,
  ErrorAlert,
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
  Tabs,
  TabsContent,
  TabsList,
  TabsTrigger,
  useToast,
} from '../../components/ui/index.ts';
import { formatCount, formatDate } from '../../lib/format.ts';
import { pageFromParams } from '../../lib/list-params.ts';
import { KindBadge } from '../accounts/account-badges.tsx';
import { type Flag, type ListParams, PAGE_SIZE, useAdminAccounts, useAdminAction, useAdminUsers } from './api.ts';
import { ReasonDialog } from './reason-dialog.tsx';
import { SearchBox } from './search-box.tsx';

type Tab = 'users' | 'accounts';

/** Tab, search and page live in the URL so admin views can be bookmarked and survive reloads. */
function useListState() {
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'accounts' ? 'accounts' : 'users';
  const q = params.get('q') ?? '';
  const page = pageFromParams(params);
  const flag = (key: string): Flag => {
    const v = params.get(key);
    return v === 'true' || v === 'false' ? v : '';
  };
  const admin = flag('admin');
  const suspended = flag('suspended');

  const update = useCallback(
    (next: { tab?: Tab; q?: string; page?: number; admin?: Flag; suspended?: Flag }) =>
      setParams(
        (prev) => {
          const out = new URLSearchParams(prev);
          const set = (key: string, value: string | undefined) => (value ? out.set(key, value) : out.delete(key));
          if (next.tab !== undefined) set('tab', next.tab === 'users' ? undefined : next.tab);
          if (next.q !== undefined) set('q', next.q);
          if (next.page !== undefined) set('page', next.page > 1 ? String(next.page) : undefined);
          if (next.admin !== undefined) set('admin', next.admin);
          if (next.suspended !== undefined) set('suspended', next.suspended);
          return out;
        },
        { replace: true },
      ),
    [setParams],
  );

  return { tab, params: { q, page, pageSize: PAGE_SIZE, admin, suspended } satisfies ListParams, update };
}

/** Three-way filter over a boolean: any, true or false (labels in that order). */
function FlagFilter({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: Flag;
  onChange: (v: Flag) => void;
  options: [string, string, string];
}) {
  return (
    <Select
      aria-label={label}
      className="sm:w-44"
      value={value || 'any'}
      onValueChange={(v) => onChange(v === 'any' ? '' : (v as Flag))}
      options={[
        { value: 'any', label: options[0] },
        { value: 'true', label: options[1] },
        { value: 'false', label: options[2] },
      ]}
    />
  );
}

export function StatusBadge({ suspendedAt }: { suspendedAt: string | null }) {
  return suspendedAt ? (
    <Badge tone="danger" title={`Since ${formatDate(suspendedAt)}`}>
      Suspended
    </Badge>
  ) : (
    <Badge tone="success">Active</Badge>
  );
}

function AccountSuspendButton({ account }: { account: { id: string; name: string; suspendedAt: string | null } }) {
  const action = useAdminAction();
  const { toast } = useToast();
  const suspend = !account.suspendedAt;
  return (
    <ReasonDialog
      trigger={
        <Button size="sm" variant={suspend ? 'destructive-ghost' : 'secondary'}>
          {suspend ? 'Suspend' : 'Unsuspend'}
          <span className="sr-only"> {account.name}</span>
        </Button>
      }
      title={suspend ? `Suspend ${account.name}?` : `Lift the suspension of ${account.name}?`}
      description={
        suspend
          ? 'Its artworks leave the public marketplace and it cannot sell until you lift the suspension. Owners are emailed the reason.'
          : 'Its public pages and listings come back.'
      }
      confirmLabel={suspend ? 'Suspend account' : 'Unsuspend account'}
      reasonRequired={suspend}
      destructive={suspend}
      onConfirm={(reason) =>
        action
          .mutateAsync({ kind: 'accounts', id: account.id, action: suspend ? 'suspend' : 'unsuspend', reason })
          .then(() => toast({ title: suspend ? 'Account suspended' : 'Suspension lifted', variant: 'success' }))
      }
    />
  );
}

function UsersTab({ params, update }: { params: ListParams; update: ReturnType<typeof useListState>['update'] }) {
  const users = useAdminUsers(params);
  const onSearch = useCallback((q: string) => update({ q, page: 1 }), [update]);

  return (
    <div className="grid grid-cols-1 gap-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
        <SearchBox
          label="Search users"
          placeholder="Search by name or email"
          value={params.q}
          onSearch={onSearch}
          busy={users.isFetching && !users.isPending}
        />
        <FlagFilter
          label="Role filter"
          value={params.admin ?? ''}
          onChange={(admin) => update({ admin, page: 1 })}
          options={['All roles', 'Platform admins', 'Users']}
        />
        <FlagFilter
          label="Status filter"
          value={params.suspended ?? ''}
          onChange={(suspended) => update({ suspended, page: 1 })}
          options={['Any status', 'Suspended', 'Active']}
        />
      </div>
      {users.isPending ? (
        <TableSkeleton columns={5} label="Loading users" />
      ) : users.isError ? (
        <ErrorAlert error={users.error} onRetry={() => users.refetch()} title="Could not load users" />
      ) : users.data.data.length === 0 ? (
        <EmptyState
          as="h3"
          icon={UsersIcon}
          title={params.q ? 'No users match your search' : 'No users yet'}
          description={params.q ? `Nothing found for “${params.q}”. Try a different name or email.` : undefined}
        />
      ) : (
        <div className={users.isPlaceholderData ? 'min-w-0 opacity-60 transition-opacity' : 'min-w-0'}>
          <Table label="Users">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Email</TableHead>
                <TableHead>Role</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Joined</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {users.data.data.map((u) => (
                <TableRow key={u.id}>
                  <TableCell className="font-medium">
                    <Link to={`/admin/users/${u.id}`} className="underline-offset-2 hover:underline">
                      {u.name}
                    </Link>
                  </TableCell>
                  <TableCell className="text-stone-600">{u.email}</TableCell>
                  <TableCell>
                    {u.isPlatformAdmin ? <Badge tone="accent">Platform admin</Badge> : <Badge>User</Badge>}
                  </TableCell>
                  <TableCell>
                    <StatusBadge suspendedAt={u.suspendedAt} />
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-stone-600">{formatDate(u.createdAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pagination
            label="Users pages"
            page={users.data.page}
            pageSize={users.data.pageSize}
            total={users.data.total}
            onPageChange={(page) => update({ page })}
            disabled={users.isPlaceholderData}
          />
        </div>
      )}
    </div>
  );
}

function AccountsTab({ params, update }: { params: ListParams; update: ReturnType<typeof useListState>['update'] }) {
  const accounts = useAdminAccounts({ ...params, admin: undefined });
  const onSearch = useCallback((q: string) => update({ q, page: 1 }), [update]);

  return (
    <div className="grid grid-cols-1 gap-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
        <SearchBox
          label="Search accounts"
          placeholder="Search by name or URL name"
          value={params.q}
          onSearch={onSearch}
          busy={accounts.isFetching && !accounts.isPending}
        />
        <FlagFilter
          label="Status filter"
          value={params.suspended ?? ''}
          onChange={(suspended) => update({ suspended, page: 1 })}
          options={['Any status', 'Suspended', 'Active']}
        />
      </div>
      {accounts.isPending ? (
        <TableSkeleton columns={7} label="Loading accounts" />
      ) : accounts.isError ? (
        <ErrorAlert error={accounts.error} onRetry={() => accounts.refetch()} title="Could not load accounts" />
      ) : accounts.data.data.length === 0 ? (
        <EmptyState
          as="h3"
          icon={BuildingIcon}
          title={params.q ? 'No accounts match your search' : 'No accounts yet'}
          description={params.q ? `Nothing found for “${params.q}”.` : undefined}
        />
      ) : (
        <div className={accounts.isPlaceholderData ? 'min-w-0 opacity-60 transition-opacity' : 'min-w-0'}>
          <Table label="Accounts">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>URL name</TableHead>
                <TableHead>Type</TableHead>
                <TableHead className="text-right">Members</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Created</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {accounts.data.data.map((a) => (
                <TableRow key={a.id}>
                  <TableCell className="font-medium">{a.name}</TableCell>
                  <TableCell className="font-mono text-xs text-stone-600">{a.slug}</TableCell>
                  <TableCell>
                    <KindBadge kind={a.kind} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(a.memberCount)}</TableCell>
                  <TableCell>
                    <StatusBadge suspendedAt={a.suspendedAt} />
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-stone-600">{formatDate(a.createdAt)}</TableCell>
                  <TableCell className="text-right">
                    <AccountSuspendButton account={a} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pagination
            label="Accounts pages"
            page={accounts.data.page}
            pageSize={accounts.data.pageSize}
            total={accounts.data.total}
            onPageChange={(page) => update({ page })}
            disabled={accounts.isPlaceholderData}
          />
        </div>
      )}
    </div>
  );
}

export function AdminPage() {
  const { tab, params, update } = useListState();

  return (
    <PageContainer>
      <PageHeader
        eyebrow="Platform admin"
        title="Users & accounts"
        description="Everyone registered on this Gallerist installation, and the accounts they belong to."
      />
      <Tabs
        value={tab}
        onValueChange={(value) => update({ tab: value as Tab, q: '', page: 1, admin: '', suspended: '' })}
      >
        <TabsList aria-label="Admin sections">
          <TabsTrigger value="users">
            <UsersIcon size={16} />
            Users
          </TabsTrigger>
          <TabsTrigger value="accounts">
            <BuildingIcon size={16} />
            Accounts
          </TabsTrigger>
        </TabsList>
        <TabsContent value="users">{tab === 'users' ? <UsersTab params={params} update={update} /> : null}</TabsContent>
        <TabsContent value="accounts">
          {tab === 'accounts' ? <AccountsTab params={params} update={update} /> : null}
        </TabsContent>
      </Tabs>
    </PageContainer>
  );
}
