import { type FormEvent, useState } from 'react';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Badge,
  Button,
  Card,
  CardContent,
  CardHeader,
  CardTitle,
  ConfirmDialog,
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  PageHeader,
  PageSpinner,
  Pagination,
  Textarea,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { formatMoney, minorToDecimalString, parseMajorAmount } from '../orders/money.ts';
import {
  catalogApi,
  type OptionValue,
  type PriceSheet,
  type Product,
  priceSheetApi,
  useCreateProduct,
  usePriceSheetMutation,
  usePriceSheets,
  useProductEdit,
  useProducts,
  useSettings,
  useToggleProduct,
} from './api.ts';
import { parseGroups } from './options.ts';
import { NoStudio, useStudio } from './studio-galleries-page.tsx';

/** The studio print catalog: products with option groups (editable), availability and price sheets. */
export function StudioCatalogPage() {
  const studio = useStudio();
  if (!studio) return <NoStudio />;
  return <Catalog accountId={studio.accountId} name={studio.name} />;
}

/** "-5", "0" or "12.50" in major units → signed minor units, or an error message. */
function parseSigned(text: string, currency: string): number | string {
  const t = text.trim();
  if (!t || /^-?0*([.,]0*)?$/.test(t)) return 0;
  const negative = t.startsWith('-');
  const parsed = parseMajorAmount(negative ? t.slice(1) : t.replace(/^\+/, ''), currency);
  if (!parsed.ok) return parsed.error;
  return negative ? -parsed.minor : parsed.minor;
}

const px = (text: string): number | null | string => {
  if (!text.trim()) return null;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 && n <= 100_000 ? n : 'Pixel sizes are whole numbers above zero';
};

const PAGE_SIZE = 10;

function Catalog({ accountId, name }: { accountId: string; name: string }) {
  const products = useProducts(accountId);
  const settings = useSettings(accountId);
  const toggle = useToggleProduct(accountId);
  const [editing, setEditing] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const currency = settings.data?.currency ?? 'EUR';
  const list = products.data?.data ?? [];
  return (
    <PageContainer>
      <PageHeader eyebrow={name} title="Print catalog" description="What clients can order from your galleries." />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="flex min-w-0 flex-col gap-3">
          {products.isPending ? (
            <PageSpinner label="Loading catalog" />
          ) : products.error ? (
            <ErrorAlert error={products.error} onRetry={products.refetch} />
          ) : list.length === 0 ? (
            <EmptyState title="No products yet" description="Add your first print product." />
          ) : (
            <>
              <ul className="flex flex-col gap-3" aria-label="Products">
                {list.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((p) => (
                  <li key={p.id}>
                    <Card>
                      <CardContent className="flex flex-col gap-2 pt-4">
                        <div className="flex flex-wrap items-center justify-between gap-2">
                          <span className="font-medium">
                            {p.name} <span className="text-sm text-muted">{p.sku}</span>
                          </span>
                          <span>{formatMoney(p.basePrice, currency)}</span>
                        </div>
                        {p.description ? <p className="text-sm text-muted">{p.description}</p> : null}
                        {p.groups.map((g) => (
                          <p key={g.id} className="text-sm text-muted">
                            {g.name}: {g.values.map((v) => valueSummary(v, currency)).join(', ')}
                          </p>
                        ))}
                        <div className="flex flex-wrap items-center gap-2">
                          <Badge tone={p.active ? 'success' : 'neutral'}>{p.active ? 'Active' : 'Hidden'}</Badge>
                          <Button
                            size="sm"
                            variant="ghost"
                            onClick={() => toggle.mutate({ id: p.id, active: !p.active })}
                          >
                            {p.active ? 'Hide' : 'Activate'}
                          </Button>
                          <Button
                            size="sm"
                            variant="secondary"
                            aria-expanded={editing === p.id}
                            aria-label={`${editing === p.id ? 'Close editor for' : 'Edit'} ${p.name}`}
                            onClick={() => setEditing(editing === p.id ? null : p.id)}
                          >
                            {editing === p.id ? 'Close' : 'Edit'}
                          </Button>
                        </div>
                        {editing === p.id ? (
                          <ProductEditor accountId={accountId} product={p} currency={currency} />
                        ) : null}
                      </CardContent>
                    </Card>
                  </li>
                ))}
              </ul>
              <Pagination page={page} pageSize={PAGE_SIZE} total={list.length} onPageChange={setPage} />
            </>
          )}
        </div>
        <div className="flex flex-col gap-6">
          <NewProduct accountId={accountId} currency={currency} />
          <PriceSheets accountId={accountId} products={list} />
        </div>
      </div>
    </PageContainer>
  );
}

function valueSummary(v: OptionValue, currency: string) {
  const price = v.priceAdjustment
    ? ` (${v.priceAdjustment > 0 ? '+' : '−'}${formatMoney(Math.abs(v.priceAdjustment), currency)})`
    : '';
  const size = v.minWidthPx || v.minHeightPx ? ` ≥${v.minWidthPx ?? '?'}×${v.minHeightPx ?? '?'}px` : '';
  return `${v.label}${price}${size}`;
}

function ProductEditor({ accountId, product, currency }: { accountId: string; product: Product; currency: string }) {
  const toast = useToast();
  const save = useProductEdit(accountId, (patch: Parameters<typeof catalogApi.updateProduct>[1]) =>
    catalogApi.updateProduct(product.id, patch),
  );
  const addGroup = useProductEdit(accountId, (input: Parameters<typeof catalogApi.addGroup>[1]) =>
    catalogApi.addGroup(product.id, input),
  );
  const [name, setName] = useState(product.name);
  const [description, setDescription] = useState(product.description);
  const [price, setPrice] = useState(minorToDecimalString(product.basePrice, currency));
  const [active, setActive] = useState(product.active);
  const [groupName, setGroupName] = useState('');
  const [groupValues, setGroupValues] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const amount = parseMajorAmount(price, currency);
    if (!amount.ok) return setError(`Base price: ${amount.error}`);
    setError(null);
    save.mutate(
      { name, description, basePrice: amount.minor, active },
      { onSuccess: () => toast.toast({ title: 'Product saved', variant: 'success' }) },
    );
  };
  const submitGroup = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseGroups(`${groupName}: ${groupValues}`);
    if (typeof parsed === 'string' || parsed.length !== 1) return setError('Values look like "Small=0, Large=12.50"');
    setError(null);
    const values = parsed[0].values.map((v) => ({ ...v, minWidthPx: null, minHeightPx: null }));
    addGroup.mutate(
      { name: groupName.trim(), values },
      {
        onSuccess: () => {
          setGroupName('');
          setGroupValues('');
        },
      },
    );
  };
  return (
    <div className="mt-2 flex flex-col gap-4 border-t border-border pt-4">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2" aria-label={`Edit ${product.name}`}>
        <Field label="Product name">
          <Input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </Field>
        <Field label={`Base price (${currency})`}>
          <Input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} required />
        </Field>
        <Field label="Description" className="sm:col-span-2">
          <Textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active (clients can
          order it)
        </label>
        <Button type="submit" loading={save.isPending}>
          Save product
        </Button>
      </form>
      {error || save.error ? <Alert variant="error">{error ?? errorMessage(save.error)}</Alert> : null}
      {product.groups.map((g) => (
        <GroupEditor key={g.id} accountId={accountId} product={product} group={g} currency={currency} />
      ))}
      <form
        onSubmit={submitGroup}
        className="grid gap-2 sm:grid-cols-[1fr_2fr_auto] sm:items-end"
        aria-label="Add option group"
      >
        <Field label="New group name">
          <Input value={groupName} onChange={(e) => setGroupName(e.target.value)} placeholder="Finish" required />
        </Field>
        <Field label="Values" hint="Label=price, e.g. Gloss=0, Matte=2.50">
          <Input value={groupValues} onChange={(e) => setGroupValues(e.target.value)} required />
        </Field>
        <Button type="submit" variant="secondary" loading={addGroup.isPending}>
          Add group
        </Button>
      </form>
      {addGroup.error ? <Alert variant="error">{errorMessage(addGroup.error)}</Alert> : null}
    </div>
  );
}

function GroupEditor({
  accountId,
  product,
  group,
  currency,
}: {
  accountId: string;
  product: Product;
  group: Product['groups'][number];
  currency: string;
}) {
  const rename = useProductEdit(accountId, (name: string) => catalogApi.renameGroup(product.id, group.id, name));
  const remove = useProductEdit(accountId, () => catalogApi.deleteGroup(product.id, group.id));
  const addValue = useProductEdit(accountId, (v: Parameters<typeof catalogApi.addValue>[2]) =>
    catalogApi.addValue(product.id, group.id, v),
  );
  const [name, setName] = useState(group.name);
  const [label, setLabel] = useState('');
  const [adj, setAdj] = useState('');
  const [minW, setMinW] = useState('');
  const [minH, setMinH] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submitValue = (e: FormEvent) => {
    e.preventDefault();
    const priceAdjustment = parseSigned(adj, currency);
    const w = px(minW);
    const h = px(minH);
    if (typeof priceAdjustment === 'string') return setError(`Price adjustment: ${priceAdjustment}`);
    if (typeof w === 'string' || typeof h === 'string') return setError('Pixel sizes are whole numbers above zero');
    setError(null);
    addValue.mutate(
      { label: label.trim(), priceAdjustment, minWidthPx: w, minHeightPx: h },
      {
        onSuccess: () => {
          setLabel('');
          setAdj('');
          setMinW('');
          setMinH('');
        },
      },
    );
  };
  const failure =
    error ??
    (rename.error || remove.error || addValue.error
      ? errorMessage(rename.error ?? remove.error ?? addValue.error)
      : null);
  return (
    <fieldset className="flex flex-col gap-2 rounded border border-border p-3">
      <legend className="px-1 text-sm font-medium">{group.name}</legend>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          rename.mutate(name.trim());
        }}
      >
        <Field label={`Name of group ${group.name}`} className="min-w-40 flex-1">
          <Input value={name} onChange={(e) => setName(e.target.value)} required maxLength={60} />
        </Field>
        <Button type="submit" size="sm" variant="secondary" loading={rename.isPending} disabled={name === group.name}>
          Rename
        </Button>
        <ConfirmDialog
          trigger={
            <Button type="button" size="sm" variant="destructive-ghost">
              Delete group
            </Button>
          }
          title={`Delete the ${group.name} group?`}
          description="Its values go too; cart lines that picked one become unavailable."
          confirmLabel="Delete group"
          destructive
          onConfirm={() => remove.mutateAsync(undefined)}
        />
      </form>
      <ul className="flex flex-col gap-2" aria-label={`${group.name} values`}>
        {group.values.map((v) => (
          <ValueEditor
            key={v.id}
            accountId={accountId}
            productId={product.id}
            value={v}
            currency={currency}
            last={group.values.length === 1}
          />
        ))}
      </ul>
      <form
        onSubmit={submitValue}
        className="grid grid-cols-2 gap-2 sm:grid-cols-[2fr_1fr_1fr_1fr_auto] sm:items-end"
        aria-label={`Add a value to ${group.name}`}
      >
        <Field label="New value">
          <Input value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={60} />
        </Field>
        <Field label={`Adjustment (${currency})`}>
          <Input inputMode="decimal" value={adj} onChange={(e) => setAdj(e.target.value)} placeholder="0" />
        </Field>
        <Field label="Min width (px)">
          <Input inputMode="numeric" value={minW} onChange={(e) => setMinW(e.target.value)} />
        </Field>
        <Field label="Min height (px)">
          <Input inputMode="numeric" value={minH} onChange={(e) => setMinH(e.target.value)} />
        </Field>
        <Button type="submit" size="sm" variant="secondary" loading={addValue.isPending}>
          Add value
        </Button>
      </form>
      {failure ? <Alert variant="error">{failure}</Alert> : null}
    </fieldset>
  );
}

function ValueEditor({
  accountId,
  productId,
  value,
  currency,
  last,
}: {
  accountId: string;
  productId: string;
  value: OptionValue;
  currency: string;
  last: boolean;
}) {
  const save = useProductEdit(accountId, (patch: Parameters<typeof catalogApi.updateValue>[2]) =>
    catalogApi.updateValue(productId, value.id, patch),
  );
  const remove = useProductEdit(accountId, () => catalogApi.deleteValue(productId, value.id));
  const [label, setLabel] = useState(value.label);
  const [adj, setAdj] = useState(minorToDecimalString(value.priceAdjustment, currency));
  const [minW, setMinW] = useState(value.minWidthPx ? String(value.minWidthPx) : '');
  const [minH, setMinH] = useState(value.minHeightPx ? String(value.minHeightPx) : '');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const priceAdjustment = parseSigned(adj, currency);
    const w = px(minW);
    const h = px(minH);
    if (typeof priceAdjustment === 'string') return setError(`Price adjustment: ${priceAdjustment}`);
    if (typeof w === 'string' || typeof h === 'string') return setError('Pixel sizes are whole numbers above zero');
    setError(null);
    save.mutate({ label: label.trim(), priceAdjustment, minWidthPx: w, minHeightPx: h });
  };
  const failure = error ?? (save.error || remove.error ? errorMessage(save.error ?? remove.error) : null);
  return (
    <li>
      <form
        onSubmit={submit}
        className="grid grid-cols-2 gap-2 sm:grid-cols-[2fr_1fr_1fr_1fr_auto_auto] sm:items-end"
        aria-label={`Value ${value.label}`}
      >
        <Field label={`Label of ${value.label}`}>
          <Input value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={60} />
        </Field>
        <Field label={`Adjustment of ${value.label}`}>
          <Input inputMode="decimal" value={adj} onChange={(e) => setAdj(e.target.value)} />
        </Field>
        <Field label={`Min width of ${value.label}`}>
          <Input inputMode="numeric" value={minW} onChange={(e) => setMinW(e.target.value)} />
        </Field>
        <Field label={`Min height of ${value.label}`}>
          <Input inputMode="numeric" value={minH} onChange={(e) => setMinH(e.target.value)} />
        </Field>
        <Button type="submit" size="sm" variant="secondary" loading={save.isPending}>
          Save
        </Button>
        <Button
          type="button"
          size="sm"
          variant="destructive-ghost"
          disabled={last}
          title={last ? 'A group needs at least one value; delete the group instead' : undefined}
          aria-label={`Delete ${value.label}`}
          loading={remove.isPending}
          onClick={() => remove.mutate(undefined)}
        >
          Delete
        </Button>
      </form>
      {failure ? <Alert variant="error">{failure}</Alert> : null}
    </li>
  );
}

function NewProduct({ accountId, currency }: { accountId: string; currency: string }) {
  const create = useCreateProduct(accountId);
  const [sku, setSku] = useState('');
  const [name, setName] = useState('');
  const [price, setPrice] = useState('');
  const [groups, setGroups] = useState('Paper: Lustre=0, Matte=0, Fine art=8\nFrame: None=0, Black=25, Oak=35');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const amount = parseMajorAmount(price, currency);
    const parsed = parseGroups(groups);
    if (!amount.ok) return setError(amount.error);
    if (typeof parsed === 'string') return setError(parsed);
    setError(null);
    create.mutate({ sku, name, basePrice: amount.minor, groups: parsed }, { onSuccess: () => setSku('') });
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>New product</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="flex flex-col gap-3" aria-label="New product">
          <Field label="SKU">
            <Input value={sku} onChange={(e) => setSku(e.target.value)} required />
          </Field>
          <Field label="Name">
            <Input value={name} onChange={(e) => setName(e.target.value)} required />
          </Field>
          <Field label={`Base price (${currency})`}>
            <Input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} required />
          </Field>
          <Field label="Options" hint="One group per line: Group: Label=price, Label=price">
            <Textarea rows={4} value={groups} onChange={(e) => setGroups(e.target.value)} />
          </Field>
          {error || create.error ? <Alert variant="error">{error ?? errorMessage(create.error)}</Alert> : null}
          <Button type="submit" loading={create.isPending}>
            Add product
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

function PriceSheets({ accountId, products }: { accountId: string; products: Product[] }) {
  const sheets = usePriceSheets(accountId);
  const create = usePriceSheetMutation(accountId, (input: { name: string; isDefault: boolean; productIds: string[] }) =>
    priceSheetApi.create(accountId, input),
  );
  const [name, setName] = useState('');
  return (
    <Card>
      <CardHeader>
        <CardTitle>Price sheets</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <p className="text-sm text-muted">
          A price sheet picks which products a gallery sells. Galleries without one use the default sheet (or every
          active product when there is none).
        </p>
        {sheets.isPending ? (
          <PageSpinner label="Loading price sheets" />
        ) : sheets.error ? (
          <ErrorAlert error={sheets.error} onRetry={sheets.refetch} />
        ) : sheets.data.data.length === 0 ? (
          <p className="text-sm">No price sheets yet.</p>
        ) : (
          <ul className="flex flex-col gap-3" aria-label="Price sheets">
            {sheets.data.data.map((s) => (
              <SheetEditor key={s.id} accountId={accountId} sheet={s} products={products} />
            ))}
          </ul>
        )}
        <form
          className="flex items-end gap-2"
          aria-label="New price sheet"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { name: name.trim(), isDefault: false, productIds: products.map((p) => p.id) },
              { onSuccess: () => setName('') },
            );
          }}
        >
          <Field label="New price sheet" className="flex-1">
            <Input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
          </Field>
          <Button type="submit" variant="secondary" loading={create.isPending}>
            Create
          </Button>
        </form>
        {create.error ? <Alert variant="error">{errorMessage(create.error)}</Alert> : null}
      </CardContent>
    </Card>
  );
}

function SheetEditor({ accountId, sheet, products }: { accountId: string; sheet: PriceSheet; products: Product[] }) {
  const update = usePriceSheetMutation(accountId, (patch: Partial<Omit<PriceSheet, 'id'>>) =>
    priceSheetApi.update(accountId, sheet.id, patch),
  );
  const remove = usePriceSheetMutation(accountId, () => priceSheetApi.remove(accountId, sheet.id));
  const [name, setName] = useState(sheet.name);
  const [ids, setIds] = useState(new Set(sheet.productIds));
  const toggle = (id: string) => {
    const next = new Set(ids);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setIds(next);
  };
  return (
    <li className="flex flex-col gap-2 rounded border border-border p-3">
      <form
        className="flex flex-col gap-2"
        aria-label={`Price sheet ${sheet.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ name: name.trim(), productIds: [...ids] });
        }}
      >
        <div className="flex items-end gap-2">
          <Field label={`Name of sheet ${sheet.name}`} className="flex-1">
            <Input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
          </Field>
          {sheet.isDefault ? <Badge tone="success">Default</Badge> : null}
        </div>
        <fieldset className="flex flex-col gap-1">
          <legend className="text-sm font-medium">Products</legend>
          {products.map((p) => (
            <label key={p.id} className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={ids.has(p.id)} onChange={() => toggle(p.id)} /> {p.name}
            </label>
          ))}
        </fieldset>
        <div className="flex flex-wrap gap-2">
          <Button type="submit" size="sm" loading={update.isPending}>
            Save sheet
          </Button>
          {!sheet.isDefault ? (
            <Button type="button" size="sm" variant="secondary" onClick={() => update.mutate({ isDefault: true })}>
              Make default
            </Button>
          ) : null}
          <ConfirmDialog
            trigger={
              <Button type="button" size="sm" variant="destructive-ghost">
                Delete sheet
              </Button>
            }
            title={`Delete ${sheet.name}?`}
            description="Galleries using it fall back to the default sheet."
            confirmLabel="Delete sheet"
            destructive
            onConfirm={() => remove.mutateAsync(undefined)}
          />
        </div>
      </form>
      {update.error || remove.error ? (
        <Alert variant="error">{errorMessage(update.error ?? remove.error)}</Alert>
      ) : null}
    </li>
  );
}
