import { signUpInput } from "@atelier/shared";
import { FormError } from "../components/FormError.tsx";
import { TextField } from "../components/TextField.tsx";
import { useSchemaForm } from "../components/useSchemaForm.ts";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useSession } from "../session/SessionContext.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

export function SignUpPage({ next }: { next: string | null }) {
  const { signUp } = useSession();
  const { errors, action, submit } = useSchemaForm(signUpInput, ["name", "email", "password"], signUp);

  return (
    <AuthLayout title="Create your account">
      <form onSubmit={submit} noValidate>
        <TextField
          label="Name"
          name="name"
          autoComplete="name"
          required
          error={errors.name && "Enter your name."}
        />
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
          autoComplete="new-password"
          required
          hint="At least 10 characters."
          error={errors.password}
        />
        <FormError message={action.error} />
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {action.pending ? "Creating account…" : "Create account"}
        </button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link to={pathOf({ name: "signIn", next })}>Sign in</Link>
      </p>
    </AuthLayout>
  );
}
