import { signInInput } from "@atelier/shared";
import { FormError } from "../components/FormError.tsx";
import { TextField } from "../components/TextField.tsx";
import { useSchemaForm } from "../components/useSchemaForm.ts";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useSession } from "../session/SessionContext.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

export function SignInPage({ next }: { next: string | null }) {
  const { signIn } = useSession();
  const { errors, action, submit } = useSchemaForm(signInInput, ["email", "password"], signIn);

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
