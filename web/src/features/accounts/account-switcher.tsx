import { useNavigate } from 'react-router';
import { BuildingIcon, ChevronDownIcon, PlusIcon } from '../../components/icons.tsx';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
  useToast,
} from '../../components/ui/index.ts';
import { cn } from '../../lib/cn.ts';
import { useSession } from '../../lib/session.tsx';
import { KindBadge } from './account-badges.tsx';
import { kindLabel, roleLabel } from './kinds.ts';

/**
 * Header dropdown for choosing the active account; the choice persists in localStorage via the session, which
 * always selects one (the last used, else the first). The name shows in full where there is room and truncates
 * on a phone, with the whole of it in the tooltip and in the menu.
 */
export function AccountSwitcher({ className }: { className?: string }) {
  const { memberships, currentAccount, selectAccount } = useSession();
  const navigate = useNavigate();
  const { toast } = useToast();

  if (memberships.length === 0 || !currentAccount) return null;

  const onSelect = (accountId: string) => {
    if (accountId === currentAccount?.accountId) return;
    selectAccount(accountId);
    const account = memberships.find((m) => m.accountId === accountId);
    if (account) toast({ title: `Switched to ${account.name}`, variant: 'success', duration: 2500 });
  };

  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        data-testid="account-switcher"
        title={`${currentAccount.name} (${kindLabel(currentAccount.kind)}, ${roleLabel(currentAccount.role)})`}
        className={cn(
          'focus-ring flex h-9 min-w-0 max-w-full items-center gap-2 rounded-control border border-border-strong bg-surface px-2.5 text-sm font-medium shadow-xs hover:bg-stone-50 sm:max-w-xs',
          className,
        )}
      >
        <BuildingIcon size={16} className="hidden shrink-0 text-stone-500 sm:block" />
        <span className="min-w-0 truncate" data-testid="account-switcher-name">
          <span className="sr-only">Current account: </span>
          {currentAccount.name}
        </span>
        <ChevronDownIcon size={14} className="shrink-0 text-stone-500" />
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-80">
        <DropdownMenuLabel>Your accounts</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={currentAccount.accountId} onValueChange={onSelect}>
          {memberships.map((m) => (
            <DropdownMenuRadioItem key={m.accountId} value={m.accountId} data-testid={`account-option-${m.slug}`}>
              <span className="grid min-w-0 flex-1 gap-0.5">
                <span className="font-medium break-words">{m.name}</span>
                <span className="text-xs text-muted">{roleLabel(m.role)}</span>
              </span>
              <KindBadge kind={m.kind} />
            </DropdownMenuRadioItem>
          ))}
        </DropdownMenuRadioGroup>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => navigate('/app/accounts/new')}>
          <PlusIcon size={16} className="text-stone-500" />
          Create new account
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
