import { Email } from '../../../../src/accounts/fields.ts';
import { MailIcon, TrashIcon, UsersIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  ConfirmDialog,
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  PageHeader,
  Select,
  Table,
  TableActionsHead,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  TableSkeleton,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { useForm } from '../../lib/form.ts';
import { formatDate, formatRelative } from '../../lib/format.ts';
import { canManageMembers, type Membership, type Role, useSession } from '../../lib/session.tsx';
import { fieldError } from '../../lib/validation.ts';
import { RoleBadge } from './account-badges.tsx';
import { AccountGate } from './account-gate.tsx';
import { type Invitation, type Member, useInvitations, useInviteMember, useMembers, useRemoveMember } from './api.ts';

const INVITE_ROLES = [
  { value: 'member', label: 'Member', description: 'Can work in the account' },
  { value: 'admin', label: 'Admin', description: 'Can also manage members and invitations' },
];

/** Owners may remove anyone but themselves; admins may remove admins and members. The server has the final say. */
function canRemove(viewer: Role, viewerId: string | undefined, target: Member): boolean {
  if (!canManageMembers(viewer) || target.userId === viewerId) return false;
  return target.role !== 'owner' || viewer === 'owner';
}

function MembersTable({ account, viewerId }: { account: Membership; viewerId: string | undefined }) {
  const members = useMembers(account.accountId);
  const remove = useRemoveMember(account.accountId);
  const { toast } = useToast();

  if (members.isPending) return <TableSkeleton rows={3} columns={4} label="Loading members" />;
  if (members.isError)
    return <ErrorAlert error={members.error} onRetry={() => members.refetch()} title="Could not load members" />;
  if (members.data.length === 0) {
    return (
      <EmptyState
        as="h3"
        icon={UsersIcon}
        title="No members yet"
        description="Invite people to work in this account."
      />
    );
  }

  const onRemove = (member: Member) =>
    remove.mutateAsync(member.userId).then(
      () => toast({ title: `${member.name} was removed`, variant: 'success' }),
      (error: unknown) => {
        toast({ title: 'Could not remove member', description: errorMessage(error), variant: 'error' });
        throw error;
      },
    );

  return (
    <Table label={`Members of ${account.name}`}>
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Email</TableHead>
          <TableHead>Role</TableHead>
          <TableHead>Joined</TableHead>
          <TableActionsHead />
        </TableRow>
      </TableHeader>
      <TableBody>
        {members.data.map((member) => (
          <TableRow key={member.userId}>
            <TableCell className="font-medium">
              {member.name}
              {member.userId === viewerId ? <span className="ml-1.5 text-xs font-normal text-muted">(you)</span> : null}
            </TableCell>
            <TableCell className="text-stone-600">{member.email}</TableCell>
            <TableCell>
              <RoleBadge role={member.role} />
            </TableCell>
            <TableCell className="whitespace-nowrap text-stone-600">{formatDate(member.joinedAt)}</TableCell>
            <TableCell className="text-right">
              {canRemove(account.role, viewerId, member) ? (
                <ConfirmDialog
                  title={`Remove ${member.name}?`}
                  description={`${member.name} (${member.email}) will immediately lose access to ${account.name}. You can invite them again later.`}
                  confirmLabel="Remove member"
                  destructive
                  onConfirm={() => onRemove(member)}
                  trigger={
                    <Button variant="destructive-ghost" size="sm">
                      <TrashIcon size={15} />
                      Remove<span className="sr-only"> {member.name}</span>
                    </Button>
                  }
                />
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function InviteForm({ account }: { account: Membership }) {
  const invite = useInviteMember(account.accountId);
  const { toast } = useToast();
  const form = useForm({ email: '', role: 'member' }, (v) => ({
    email: fieldError(Email, v.email),
    role: v.role ? undefined : 'Choose a role.',
  }));

  const onSubmit = form.handleSubmit((values) =>
    invite.mutate(
      { email: values.email.trim(), role: values.role as Invitation['role'] },
      {
        onSuccess: (invitation) => {
          toast({ title: 'Invitation sent', description: `We emailed ${invitation.email}.`, variant: 'success' });
          form.reset({ email: '', role: values.role });
        },
        onError: form.applyServerError,
      },
    ),
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>Invite someone</CardTitle>
        <CardDescription>They’ll get an email with a link to join {account.name}.</CardDescription>
      </CardHeader>
      <CardContent>
        <form ref={form.formRef} onSubmit={onSubmit} noValidate className="grid gap-4">
          {form.formError ? <Alert variant="error">{form.formError}</Alert> : null}
          <div className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
            <Field label="Email address" error={form.errors.email}>
              <Input
                type="email"
                autoComplete="off"
                inputMode="email"
                placeholder="name@example.com"
                {...form.bind('email')}
              />
            </Field>
            <Field label="Role" error={form.errors.role}>
              <Select
                name="role"
                value={form.values.role}
                onValueChange={(role) => form.setValue('role', role)}
                options={INVITE_ROLES}
              />
            </Field>
            <Button type="submit" loading={invite.isPending} className="sm:mt-[1.625rem]">
              <MailIcon size={16} />
              Send invite
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function PendingInvitations({ account }: { account: Membership }) {
  const invitations = useInvitations(account.accountId);

  return (
    <section aria-labelledby="pending-invitations-title" className="grid grid-cols-1 gap-3">
      <h2 id="pending-invitations-title" className="text-lg font-semibold">
        Pending invitations
      </h2>
      {invitations.isPending ? (
        <TableSkeleton rows={2} columns={4} label="Loading invitations" />
      ) : invitations.isError ? (
        <ErrorAlert
          error={invitations.error}
          onRetry={() => invitations.refetch()}
          title="Could not load invitations"
        />
      ) : invitations.data.length === 0 ? (
        <p className="rounded-card border border-dashed border-border-strong bg-surface px-4 py-6 text-center text-sm text-muted">
          No pending invitations.
        </p>
      ) : (
        <Table label="Pending invitations">
          <TableHeader>
            <TableRow>
              <TableHead>Email</TableHead>
              <TableHead>Role</TableHead>
              <TableHead>Sent</TableHead>
              <TableHead>Expires</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {invitations.data.map((inv) => (
              <TableRow key={inv.id}>
                <TableCell className="font-medium">{inv.email}</TableCell>
                <TableCell>
                  <RoleBadge role={inv.role} />
                </TableCell>
                <TableCell className="whitespace-nowrap text-stone-600">{formatDate(inv.createdAt)}</TableCell>
                <TableCell className="whitespace-nowrap text-stone-600">
                  <time dateTime={inv.expiresAt} title={formatDate(inv.expiresAt)}>
                    {formatRelative(inv.expiresAt)}
                  </time>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

export function MembersPage() {
  const { user } = useSession();
  return (
    <AccountGate
      title="Members"
      emptyDescription="Members belong to an account. Create one for your studio, practice or team, then invite people to it."
      chooseHeading="Which account’s members do you want to see?"
    >
      {(currentAccount) => <AccountMembers account={currentAccount} viewerId={user?.id} />}
    </AccountGate>
  );
}

function AccountMembers({ account: currentAccount, viewerId }: { account: Membership; viewerId?: string }) {
  const manager = canManageMembers(currentAccount.role);

  return (
    <PageContainer>
      <PageHeader
        eyebrow={currentAccount.name}
        title="Members"
        description={
          manager
            ? 'Everyone with access to this account. Owners and admins can invite and remove people.'
            : 'Everyone with access to this account. Ask an owner or admin to invite someone.'
        }
      />
      <div className="grid grid-cols-1 gap-8">
        {manager ? <InviteForm account={currentAccount} /> : null}
        <section aria-labelledby="members-title" className="grid grid-cols-1 gap-3">
          <h2 id="members-title" className="text-lg font-semibold">
            Team
          </h2>
          <MembersTable key={currentAccount.accountId} account={currentAccount} viewerId={viewerId} />
        </section>
        {manager ? <PendingInvitations account={currentAccount} /> : null}
      </div>
    </PageContainer>
  );
}
