import { useCallback } from 'react';
import { Link } from 'react-router';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import { BuildingIcon, UsersIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Badge,
  Button,
  EmptyState,
  PageHeader,
  Select,
  Table,
  TableActionsHead,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tabs,
  TabsContent,
  TabsList,
  TabsTrigger,
  useToast,
} from '../../components/ui/index.ts';
import { formatCount, formatDate } from '../../lib/format.ts';
import { useQueryPatch } from '../../lib/list-params.ts';
import { KindBadge } from '../accounts/account-badges.tsx';
import { type Flag, type ListParams, PAGE_SIZE, useAdminAccounts, useAdminAction, useAdminUsers } from './api.ts';
import { ReasonDialog } from './reason-dialog.tsx';
import { SearchBox } from './search-box.tsx';

type Tab = 'users' | 'accounts';

/**
 * Tab, search and filters live in the URL so admin views can be bookmarked and survive reloads; the page is a
 * cursor kept per list (other filters start again from the first page).
 */
function useListState() {
  const [params, patch] = useQueryPatch();
  const tab: Tab = params.get('tab') === 'accounts' ? 'accounts' : 'users';
  const q = params.get('q') ?? '';
  const flag = (key: string): Flag => {
    const v = params.get(key);
    return v === 'true' || v === 'false' ? v : '';
  };
  const admin = flag('admin');
  const suspended = flag('suspended');
  const pages = useCursorPages(JSON.stringify([tab, q, admin, suspended]));

  const update = useCallback(
    ({ tab, ...rest }: { tab?: Tab; q?: string; admin?: Flag; suspended?: Flag }) =>
      patch({
        ...rest,
        ...(tab !== undefined ? { tab: tab === 'users' ? undefined : tab } : {}),
      }),
    [patch],
  );

  return {
    tab,
    params: { q, cursor: pages.cursor, limit: PAGE_SIZE, admin, suspended } satisfies ListParams,
    pages,
    update,
  };
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

/** The suspension filter both tabs share. */
function SuspendedFilter({ value, onChange }: { value: Flag; onChange: (v: Flag) => void }) {
  return (
    <FlagFilter
      label="Status filter"
      value={value}
      onChange={onChange}
      options={['Any status', 'Suspended', 'Active']}
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

type TabProps = Omit<ReturnType<typeof useListState>, 'tab'>;

function UsersTab({ params, pages, update }: TabProps) {
  const users = useAdminUsers(params);
  const onSearch = useCallback((q: string) => update({ q }), [update]);

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
          onChange={(admin) => update({ admin })}
          options={['All roles', 'Platform admins', 'Users']}
        />
        <SuspendedFilter value={params.suspended ?? ''} onChange={(suspended) => update({ suspended })} />
      </div>
      <CursorResults
        query={users}
        pages={pages}
        loading={{ label: 'Loading users', columns: 5 }}
        errorTitle="Could not load users"
        empty={
          <EmptyState
            as="h3"
            icon={UsersIcon}
            title={params.q ? 'No users match your search' : 'No users yet'}
            description={params.q ? `Nothing found for “${params.q}”. Try a different name or email.` : undefined}
          />
        }
        pagesLabel="Users pages"
      >
        {(rows) => (
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
              {rows.map((u) => (
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
        )}
      </CursorResults>
    </div>
  );
}

function AccountsTab({ params, pages, update }: TabProps) {
  const accounts = useAdminAccounts({ ...params, admin: undefined });
  const onSearch = useCallback((q: string) => update({ q }), [update]);

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
        <SuspendedFilter value={params.suspended ?? ''} onChange={(suspended) => update({ suspended })} />
      </div>
      <CursorResults
        query={accounts}
        pages={pages}
        loading={{ label: 'Loading accounts', columns: 7 }}
        errorTitle="Could not load accounts"
        empty={
          <EmptyState
            as="h3"
            icon={BuildingIcon}
            title={params.q ? 'No accounts match your search' : 'No accounts yet'}
            description={params.q ? `Nothing found for “${params.q}”.` : undefined}
          />
        }
        pagesLabel="Accounts pages"
      >
        {(rows) => (
          <Table label="Accounts">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>URL name</TableHead>
                <TableHead>Type</TableHead>
                <TableHead className="text-right">Members</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Created</TableHead>
                <TableActionsHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((a) => (
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
        )}
      </CursorResults>
    </div>
  );
}

export function AdminPage() {
  const { tab, params, pages, update } = useListState();

  return (
    <PageContainer>
      <PageHeader
        eyebrow="Platform admin"
        title="Users & accounts"
        description="Everyone registered on this Gallerist installation, and the accounts they belong to."
      />
      <Tabs value={tab} onValueChange={(value) => update({ tab: value as Tab, q: '', admin: '', suspended: '' })}>
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
        <TabsContent value="users">
          {tab === 'users' ? <UsersTab params={params} pages={pages} update={update} /> : null}
        </TabsContent>
        <TabsContent value="accounts">
          {tab === 'accounts' ? <AccountsTab params={params} pages={pages} update={update} /> : null}
        </TabsContent>
      </Tabs>
    </PageContainer>
  );
}
