import { useState } from 'react';
import { Alert, Button, Dialog, DialogContent, Field, Input, PageSpinner, Select } from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { formatMoney as money } from '../orders/money.ts';
import { cartApi, type Photo, useCartMutation, useCatalog } from './api.ts';
import { accentStyle } from './branding.ts';
import { centredCrop } from './crop.ts';

/** "Buy prints" panel: products and options straight from the server catalog, a crop preview, add to cart. */
export function BuyDialog({
  token,
  photo,
  onClose,
  onAdded,
  accentColor = null,
}: {
  token: string;
  photo: Photo;
  onClose: () => void;
  onAdded: () => void;
  /** The studio's accent colour for the main button. */
  accentColor?: string | null;
}) {
  const catalog = useCatalog(token, photo.id);
  const [productId, setProductId] = useState('');
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [quantity, setQuantity] = useState(1);
  const [loaded, setLoaded] = useState(false);
  const add = useCartMutation(token, cartApi.add.bind(null, token));
  const products = catalog.data?.data ?? [];
  const product = products.find((p) => p.id === productId) ?? products[0];
  const currency = catalog.data?.currency ?? 'EUR';
  const values = product ? product.groups.map((g) => g.values.find((v) => v.id === picked[g.id]) ?? g.values[0]) : [];
  const unit = product ? product.basePrice + values.reduce((s, v) => s + v.priceAdjustment, 0) : 0;
  const crop = centredCrop(photo, values.find((v) => v.aspectRatio)?.aspectRatio ?? null);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent title="Buy prints" description={photo.filename} className="max-w-2xl">
        {catalog.isPending ? (
          <PageSpinner label="Loading prints" />
        ) : catalog.error ? (
          <Alert variant="error">{errorMessage(catalog.error)}</Alert>
        ) : !product ? (
          <Alert>This photo's resolution is too low for the prints on offer.</Alert>
        ) : (
          <div className="grid gap-4 sm:grid-cols-2">
            {/* Sized to the photo (self-start: a stretched grid cell left a grey band under landscape photos). */}
            <div
              className="relative mx-auto w-full self-start overflow-hidden rounded"
              style={{
                aspectRatio: `${photo.width} / ${photo.height}`,
                maxWidth: `calc(60vh * ${photo.width / photo.height})`,
              }}
            >
              {loaded ? null : (
                <img
                  src={photo.thumbUrl}
                  alt=""
                  aria-hidden
                  className="absolute inset-0 size-full scale-110 object-cover blur-lg"
                />
              )}
              <img
                src={photo.webUrl}
                alt=""
                width={photo.width}
                height={photo.height}
                onLoad={() => setLoaded(true)}
                onError={() => setLoaded(true)}
                className={`relative block size-full object-contain ${loaded ? 'opacity-100' : 'opacity-0'}`}
              />
              {crop ? (
                <div
                  aria-hidden
                  className="absolute border-2 border-white shadow-[0_0_0_9999px_rgba(0,0,0,0.45)]"
                  style={{
                    left: `${crop.x * 100}%`,
                    top: `${crop.y * 100}%`,
                    width: `${crop.width * 100}%`,
                    height: `${crop.height * 100}%`,
                  }}
                />
              ) : null}
            </div>
            <div className="flex flex-col gap-3">
              <Field label="Product">
                <Select
                  value={product.id}
                  onValueChange={(v) => {
                    setProductId(v);
                    setPicked({});
                  }}
                  options={products.map((p) => ({ value: p.id, label: `${p.name} — ${money(p.basePrice, currency)}` }))}
                />
              </Field>
              {product.groups.map((g, i) => (
                <Field key={g.id} label={g.name}>
                  <Select
                    value={values[i].id}
                    onValueChange={(v) => setPicked((prev) => ({ ...prev, [g.id]: v }))}
                    options={g.values.map((v) => ({
                      value: v.id,
                      label: v.priceAdjustment
                        ? `${v.label} (${v.priceAdjustment > 0 ? '+' : '−'}${money(Math.abs(v.priceAdjustment), currency)})`
                        : v.label,
                    }))}
                  />
                </Field>
              ))}
              <Field label="Quantity">
                <Input
                  type="number"
                  min={1}
                  max={100}
                  value={quantity}
                  onChange={(e) => setQuantity(Math.max(1, Math.min(100, Number(e.target.value) || 1)))}
                />
              </Field>
              <p className="text-lg font-semibold">{money(unit * quantity, currency)}</p>
              {add.error ? <Alert variant="error">{errorMessage(add.error)}</Alert> : null}
              <Button
                style={accentStyle(accentColor)}
                loading={add.isPending}
                onClick={() =>
                  add.mutate(
                    {
                      photoId: photo.id,
                      productId: product.id,
                      optionValueIds: values.map((v) => v.id),
                      quantity,
                      crop,
                    },
                    { onSuccess: onAdded },
                  )
                }
              >
                Add to cart
              </Button>
            </div>
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}
