import { signInInput } from "@atelier/shared";
import { type FormEvent, useState } from "react";
import { useAction } from "../api/useAction.ts";
import { FormError } from "../components/FormError.tsx";
import { type FieldErrors, fieldErrors } from "../components/fieldErrors.ts";
import { TextField } from "../components/TextField.tsx";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useSession } from "../session/SessionContext.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

export function SignInPage({ next }: { next: string | null }) {
  const { signIn } = useSession();
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useAction(signIn);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = signInInput.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setErrors({});
    void action.run(parsed.data);
  };

  return (
    <AuthLayout title="Sign in">
      <form onSubmit={submit} noValidate>
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          error={errors.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <FormError message={action.error} />
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {action.pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="auth-switch">
        New to Atelier? <Link to={pathOf({ name: "signUp", next })}>Create an account</Link>
      </p>
    </AuthLayout>
  );
}
