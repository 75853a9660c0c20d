export { Alert, type AlertVariant, ErrorAlert } from './alert.tsx';
export { Badge, type BadgeTone } from './badge.tsx';
export { Button, type ButtonProps, type ButtonSize, type ButtonVariant, buttonClasses } from './button.tsx';
export { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from './card.tsx';
export { ConfirmDialog, Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from './dialog.tsx';
export {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuGroup,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from './dropdown-menu.tsx';
export { EmptyState } from './empty-state.tsx';
export { Field } from './field.tsx';
export { Input, Textarea } from './input.tsx';
export { Label } from './label.tsx';
export { PageHeader } from './page-header.tsx';
export { Pagination } from './pagination.tsx';
export { Select, type SelectOption } from './select.tsx';
export { CardSkeleton, Skeleton, TableSkeleton } from './skeleton.tsx';
export { PageSpinner, Spinner } from './spinner.tsx';
export { Table, TableActionsHead, TableBody, TableCell, TableHead, TableHeader, TableRow } from './table.tsx';
export { Tabs, TabsContent, TabsList, TabsTrigger } from './tabs.tsx';
export { Toaster, type ToastInput, useToast } from './toast.tsx';
