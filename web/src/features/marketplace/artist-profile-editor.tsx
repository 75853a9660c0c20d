import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardSkeleton,
  ErrorAlert,
  Field,
  Textarea,
} from '../../components/ui/index.ts';
import { formErrorsFrom } from '../../lib/api.ts';
import { cn } from '../../lib/cn.ts';
import { type ArtistProfile, BIO_MAX, useArtistProfile, useSaveArtistProfile } from './profile-api.ts';

/**
 * The bio form; keyed by the saved profile so a save elsewhere (the assistant's card) reloads it. `justSaved` lives in
 * the parent because the form remounts with the profile its own save returns.
 */
function BioForm({
  profile,
  canEdit,
  justSaved,
  onSaved,
}: {
  profile: ArtistProfile;
  canEdit: boolean;
  justSaved: boolean;
  onSaved: (p: ArtistProfile) => void;
}) {
  const [bio, setBio] = useState(profile.bio);
  const save = useSaveArtistProfile(profile.accountId);
  const errors = save.error ? formErrorsFrom(save.error, ['bio'] as const) : null;
  const length = bio.trim().length;
  const tooLong = length > BIO_MAX;
  const changed = bio.trim() !== profile.bio;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ bio }, { onSuccess: (r) => onSaved(r.profile) });
  };

  return (
    <form className="grid gap-3" onSubmit={submit} noValidate>
      <Field
        label="Bio"
        error={errors?.fieldErrors.bio ?? (tooLong ? `Keep the bio to ${BIO_MAX} characters` : null)}
        hint={canEdit ? 'Shown on your public artist page.' : 'Only admins of this artist account can change it.'}
        labelAside={
          <span
            className={cn('text-xs tabular-nums', tooLong ? 'font-medium text-danger' : 'text-muted')}
            data-testid="bio-counter"
          >
            {length} / {BIO_MAX}
          </span>
        }
      >
        <Textarea rows={8} value={bio} readOnly={!canEdit} onChange={(e) => setBio(e.target.value)} />
      </Field>
      {canEdit ? (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" loading={save.isPending} disabled={!changed || tooLong} className="w-full sm:w-auto">
            Save bio
          </Button>
          {changed ? (
            <Button type="button" variant="ghost" className="w-full sm:w-auto" onClick={() => setBio(profile.bio)}>
              Discard changes
            </Button>
          ) : null}
        </div>
      ) : null}
      {justSaved && !changed ? (
        <Alert variant="success" title="Bio saved">
          Your public artist page shows it now.
        </Alert>
      ) : null}
      {errors?.formError ? (
        <Alert variant="error" title="Could not save the bio">
          {errors.formError}
        </Alert>
      ) : null}
    </form>
  );
}

/** "Public profile" on the artist dashboard: the bio visitors read on the artist's public page. */
export function ArtistProfileEditor({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const profile = useArtistProfile(accountId);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  if (profile.isPending) return <CardSkeleton label="Loading your public profile" />;
  if (profile.isError)
    return <ErrorAlert title="Could not load your public profile" error={profile.error} onRetry={profile.refetch} />;
  const p = profile.data;
  return (
    <section id="public-profile" aria-labelledby="public-profile-heading">
      <Card>
        <CardHeader className="flex flex-wrap items-start justify-between gap-2">
          <div className="grid gap-1">
            <h2 id="public-profile-heading" className="text-lg font-semibold">
              Public profile
            </h2>
            <CardDescription>What collectors read about you next to your published works.</CardDescription>
          </div>
          <Link to={`/artists/${p.slug}`} className="text-sm font-medium underline underline-offset-2">
            View public page
          </Link>
        </CardHeader>
        <CardContent>
          <BioForm
            key={p.updatedAt}
            profile={p}
            canEdit={canEdit}
            justSaved={savedAt === p.updatedAt}
            onSaved={(saved) => setSavedAt(saved.updatedAt)}
          />
        </CardContent>
      </Card>
    </section>
  );
}
