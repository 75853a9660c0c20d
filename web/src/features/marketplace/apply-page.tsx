import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Badge,
  Button,
  Card,
  CardContent,
  CardFooter,
  ErrorAlert,
  Field,
  Input,
  PageHeader,
  PageSpinner,
  Textarea,
} from '../../components/ui/index.ts';
import { errorMessage, formErrorsFrom } from '../../lib/api.ts';
import {
  type Application,
  type ApplicationDraft,
  useMyApplication,
  useSaveDraft,
  useSubmitApplication,
} from './api.ts';

const FIELDS = ['statement', 'portfolioUrl', 'instagram', 'exhibitions', 'country', 'termsAccepted'] as const;
type FieldName = (typeof FIELDS)[number];

function toDraft(a: Application | null | undefined) {
  return {
    statement: a?.statement ?? '',
    portfolioUrl: a?.portfolioUrl ?? '',
    instagram: a?.instagram ?? '',
    exhibitions: a?.exhibitions ?? '',
    country: a?.country ?? '',
    termsAccepted: Boolean(a?.termsAcceptedAt),
  };
}

function StatusPanel({ application }: { application: Application }) {
  if (application.status === 'pending') {
    return (
      <Alert variant="info" title="Your application is under review">
        We received it {application.submittedAt ? new Date(application.submittedAt).toLocaleDateString() : ''} and will
        email you when there is a decision.
      </Alert>
    );
  }
  return (
    <Alert variant="success" title="You’re an approved artist">
      Set up payouts and add your artworks from the <Link to="/artist">artist dashboard</Link>.
    </Alert>
  );
}

export function ApplyPage() {
  const query = useMyApplication();
  const save = useSaveDraft();
  const submit = useSubmitApplication();
  const [values, setValues] = useState(toDraft(null));
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const loaded = useRef(false);
  // The autosave in flight, if any: submitting waits for it, so the two never race (a 409 "changed meanwhile").
  const inflight = useRef<Promise<unknown> | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const current = query.data;
  const saveDraft = save.mutateAsync;
  const editable = !current || current.status === 'draft' || current.status === 'rejected';

  useEffect(() => {
    if (query.isSuccess && !loaded.current) {
      loaded.current = true;
      if (current?.status === 'draft') setValues(toDraft(current));
    }
  }, [query.isSuccess, current]);

  // Autosave: a short pause after the last keystroke saves the draft.
  useEffect(() => {
    if (!dirty || !editable || submitting) return;
    const t = setTimeout(() => {
      setDirty(false);
      const run = saveDraft(values as ApplicationDraft).then(
        () => setErrors({}),
        (e: unknown) => setErrors(formErrorsFrom(e, FIELDS).fieldErrors),
      );
      inflight.current = run;
      void run.finally(() => {
        if (inflight.current === run) inflight.current = null;
      });
    }, 800);
    return () => clearTimeout(t);
  }, [dirty, values, editable, saveDraft, submitting]);

  if (query.isPending) return <PageSpinner label="Loading your application" />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={query.refetch} />;

  const set = <K extends keyof typeof values>(k: K, v: (typeof values)[K]) => {
    setValues((prev) => ({ ...prev, [k]: v }));
    setDirty(true);
  };
  const onSubmit = async (e: React.FormEvent) => {
    e.preventDefault();
    // No autosave may start or land after this point: cancel the pending one, wait for one already sent.
    setSubmitting(true);
    setDirty(false);
    await inflight.current;
    save.mutate(values, {
      onSuccess: () =>
        submit.mutate(undefined, {
          onError: (err) => {
            const r = formErrorsFrom(err, FIELDS);
            setErrors(r.fieldErrors);
            setFormError(r.formError);
          },
          onSettled: () => setSubmitting(false),
        }),
      onError: (err) => {
        setFormError(errorMessage(err));
        setSubmitting(false);
      },
    });
  };
  const saveState = save.isPending
    ? 'Saving…'
    : save.isError
      ? 'Not saved'
      : current?.status === 'draft'
        ? 'Draft saved'
        : '';

  return (
    <PageContainer size="narrow">
      <PageHeader
        title="Apply to sell your art"
        description="Tell us about your practice. Your answers save as you type; submit when you’re ready."
        actions={
          current ? <Badge tone={current.status === 'rejected' ? 'danger' : 'info'}>{current.status}</Badge> : null
        }
      />
      {!editable && current ? (
        <StatusPanel application={current} />
      ) : (
        <Card>
          <form onSubmit={onSubmit} noValidate>
            <CardContent className="grid gap-5 sm:p-8">
              {current?.status === 'rejected' ? (
                <Alert variant="warning" title="Your previous application was not accepted">
                  {current.rejectionReason} You’re welcome to apply again.
                </Alert>
              ) : null}
              {formError ? <Alert variant="error">{formError}</Alert> : null}
              <Field
                label="Artist statement"
                error={errors.statement}
                hint="What you make and why (up to 5000 characters)."
              >
                <Textarea
                  rows={6}
                  maxLength={5000}
                  value={values.statement}
                  onChange={(e) => set('statement', e.target.value)}
                />
              </Field>
              <Field label="Portfolio website" error={errors.portfolioUrl}>
                <Input
                  type="url"
                  placeholder="https://"
                  value={values.portfolioUrl}
                  onChange={(e) => set('portfolioUrl', e.target.value)}
                />
              </Field>
              <Field label="Instagram (optional)" error={errors.instagram}>
                <Input
                  placeholder="@yourhandle"
                  value={values.instagram}
                  onChange={(e) => set('instagram', e.target.value)}
                />
              </Field>
              <Field label="Exhibitions (optional)" error={errors.exhibitions}>
                <Textarea rows={3} value={values.exhibitions} onChange={(e) => set('exhibitions', e.target.value)} />
              </Field>
              <Field
                label="Country"
                error={errors.country}
                hint="Two-letter code, e.g. DE, NG, US. Payouts go to a bank here."
              >
                <Input
                  maxLength={2}
                  className="w-24 uppercase"
                  value={values.country}
                  onChange={(e) => set('country', e.target.value)}
                />
              </Field>
              <label className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={values.termsAccepted}
                  onChange={(e) => set('termsAccepted', e.target.checked)}
                />
                <span>
                  I accept the artist terms, including the platform fee on each sale.
                  {errors.termsAccepted ? <span className="block text-red-700">{errors.termsAccepted}</span> : null}
                </span>
              </label>
            </CardContent>
            <CardFooter className="justify-between sm:px-8">
              <span className="text-sm text-muted" aria-live="polite">
                {saveState}
              </span>
              <Button type="submit" loading={submitting || submit.isPending}>
                Submit application
              </Button>
            </CardFooter>
          </form>
        </Card>
      )}
    </PageContainer>
  );
}
