// The pages the main Turkish flows (i18n.spec.ts) do not reach, in Turkish: the ones an email's
// link opens, the 404, two-step sign-in, the step-up dialog and the idle warning. Each is checked
// for the app's English words and photographed (test-results/screenshots/tr-*.png).
import { SHORT_IDLE_SECS, SHORT_REAUTH_SECS, SHORT_WARNING_SECS, shortURL } from "../playwright.config";
import { ADMIN, awayFromAStepEdge, expect, linkIn, outboxMail, test, totp } from "./fixtures";
import { expectTurkish, newClient, signInInTurkish, turkishBrowser } from "./turkish";

test("a forgotten password in Turkish: the form, the email, the new password, a used link, the 404", async ({ browser, request }) => {
  const who = await newClient(request);
  const page = await turkishBrowser(browser);
  await page.goto("/auth/signin");
  await page.getByRole("link", { name: "Şifrenizi mi unuttunuz?" }).click();
  await expect(page.getByRole("heading", { name: "Şifrenizi mi unuttunuz?" })).toBeVisible();
  await expectTurkish(page, "forgot");
  await page.getByLabel("E-posta").fill(who.email);
  await page.getByRole("button", { name: "Bağlantıyı gönder" }).click();
  await expect(page.getByTestId("reset-requested")).toBeVisible();
  await expectTurkish(page, "forgot-sent");

  // Asked for on a Turkish page by someone who never chose: the email is Turkish too.
  const mail = await outboxMail(who.email, "password_reset");
  expect(mail).toContain(`Merhaba ${who.name},`);
  const link = linkIn(mail, "/auth/reset");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Yeni şifrenizi belirleyin" })).toBeVisible();
  await expectTurkish(page, "reset");
  await page.locator("#new_password").fill("kisa");
  await page.locator("#repeat_password").fill("kisa");
  await page.getByRole("button", { name: "Şifreyi kaydet" }).click();
  await expect(page.locator("#new_password-error")).toContainText("en az 12 karakter");
  await expectTurkish(page, "reset-error");
  const fresh = "Eminonu-Vapuru-1851";
  await page.locator("#new_password").fill(fresh);
  await page.locator("#repeat_password").fill(fresh);
  await page.getByRole("button", { name: "Şifreyi kaydet" }).click();
  await expect(page.getByTestId("password-set")).toContainText("Yeni şifrenizle oturum açın");
  await expectTurkish(page, "reset-done");

  await page.goto("about:blank");
  await page.goto(link);
  await expect(page.getByTestId("link-invalid")).toContainText("artık kullanılamıyor");
  await expectTurkish(page, "link-used");

  await page.goto("/auth/signin");
  await signInInTurkish(page, { email: who.email, password: fresh });
  await page.goto("/client/boyle-bir-sayfa-yok");
  await expect(page.getByRole("heading", { name: "Sayfa bulunamadı" })).toBeVisible();
  await expectTurkish(page, "not-found");
  await page.context().close();
});

test("an invitation and an email change in Turkish: the pages their links open", async ({ browser, request }) => {
  const signedIn = await request.post("/api/auth/sign_in", { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(signedIn.status()).toBe(200);
  const n = Date.now();
  const invitee = { name: `Davetli Çağrı ${n}`, email: `davetli-${n}@example.com` };
  const created = await request.post("/api/admin/create_client", { data: { ...invitee, invite: true } });
  expect(created.status()).toBe(200);

  const page = await turkishBrowser(browser);
  await page.goto((await created.json()).invitation.link);
  await expect(page.getByRole("heading", { name: "SMMM Portal'a hoş geldiniz" })).toBeVisible();
  await expectTurkish(page, "invite");
  const chosen = "Kapalicarsi-Kubbesi-1461";
  await page.locator("#new_password").fill(chosen);
  await page.locator("#repeat_password").fill(chosen);
  await page.getByRole("button", { name: "Şifreyi kaydet" }).click();
  await expect(page.getByTestId("password-set")).toBeVisible();
  await expectTurkish(page, "invite-done");

  // Staff change the address: the new one confirms it through its own page.
  const id = (await created.json()).user.id as number;
  const row = await (await request.post("/api/admin/user", { data: { user_id: id } })).json();
  const newEmail = `yeni-${n}@example.com`;
  const updated = await request.post("/api/admin/update_user", {
    data: { user_id: id, version: row.version, name: invitee.name, email: newEmail },
  });
  expect(updated.status()).toBe(200);
  await page.goto(linkIn(await outboxMail(newEmail, "email_change_confirmation"), "/auth/confirm-email"));
  await expect(page.getByRole("heading", { name: "Yeni e-posta adresinizi onaylayın" })).toBeVisible();
  await expectTurkish(page, "confirm-email");
  await page.getByRole("button", { name: "Bu adresi onayla" }).click();
  await expect(page.getByTestId("email-confirmed")).toContainText(newEmail);
  await expectTurkish(page, "confirm-email-done");
  await page.context().close();
});

test("two-step sign-in in Turkish: setting it up, the recovery codes, the code step", async ({ browser, request }) => {
  const who = await newClient(request);
  const page = await turkishBrowser(browser);
  await awayFromAStepEdge(page);
  await page.goto("/auth/signin");
  await signInInTurkish(page, who);
  await page.getByRole("link", { name: "Profil" }).click();
  const card = page.getByTestId("two-step");
  await card.getByRole("button", { name: "İki adımlı oturum açmayı etkinleştir" }).click();
  const secret = (await card.getByTestId("two-step-secret").textContent())!.trim();
  await expectTurkish(page, "two-step-setup");
  // The previous step's code: the current one is for signing in below (each is taken once).
  await card.getByLabel("Uygulamanın gösterdiği 6 haneli kod").fill(totp(secret, -1));
  await card.getByRole("button", { name: "Etkinleştir", exact: true }).click();
  await expect(card.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await expectTurkish(page, "two-step-codes");
  await card.getByRole("button", { name: "Kaydettim" }).click();
  await expect(card.getByTestId("two-step-on")).toContainText("10 kurtarma kodunuz kaldı");
  await expectTurkish(page, "two-step-on");

  await page.getByRole("button", { name: "Oturumu kapat" }).click();
  await expect(page).toHaveURL(/\/auth\/signin/);
  await page.goto("/auth/signin");
  await page.getByLabel("E-posta").fill(who.email);
  await page.getByLabel("Şifre", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Oturum aç" }).click();
  await expect(page.getByTestId("code-step")).toBeVisible();
  await expectTurkish(page, "two-step-code");
  await page.getByLabel("Kod", { exact: true }).fill("123456");
  await page.getByRole("button", { name: "Devam" }).click();
  await expect(page.getByTestId("code-error")).not.toBeEmpty();
  await expectTurkish(page, "two-step-code-wrong");
  await page.getByLabel("Kod", { exact: true }).fill(totp(secret, 0));
  await page.getByRole("button", { name: "Devam" }).click();
  await expect(page.getByTestId("welcome")).toBeVisible();
  await page.context().close();
});

test.describe("on the server with short windows", () => {
  test.use({ baseURL: shortURL });
  test.describe.configure({ timeout: 60_000 });

  test("the step-up dialog in Turkish", async ({ browser, request }) => {
    const who = await newClient(request);
    const page = await turkishBrowser(browser);
    await page.goto("/auth/signin");
    await signInInTurkish(page, ADMIN);
    await page.goto(`/admin/users/${who.id}`);
    await expect(page.getByTestId("user-state")).toHaveText("Etkin");
    await page.waitForTimeout(SHORT_REAUTH_SECS * 1000 + 500);
    await page.getByRole("button", { name: "Devre dışı bırak" }).click();
    await page.getByRole("button", { name: "Evet, devre dışı bırak" }).click();
    const dialog = page.getByTestId("step-up");
    await expect(dialog).toContainText("Bir hesabı devre dışı bırakmak ya da yeniden etkinleştirmek için şifrenizi yeniden girin.");
    await expectTurkish(page, "step-up");
    await dialog.getByLabel("Şifreniz").fill("yanlis-sifre-123");
    await dialog.getByRole("button", { name: "Onayla" }).click();
    await expect(dialog.getByRole("alert")).not.toBeEmpty();
    await expectTurkish(page, "step-up-wrong");
    await dialog.getByLabel("Şifreniz").fill(ADMIN.password);
    await dialog.getByRole("button", { name: "Onayla" }).click();
    await expect(page.getByTestId("user-state")).toHaveText("Devre dışı");
    await page.context().close();
  });

  test("the idle warning in Turkish", async ({ browser }) => {
    const page = await turkishBrowser(browser);
    await page.goto("/auth/signin");
    await signInInTurkish(page, ADMIN);
    // Hands off: the warning comes before the idle end.
    const warning = page.getByRole("alertdialog", { name: "Hâlâ orada mısınız?" });
    await expect(warning).toBeVisible({ timeout: (SHORT_IDLE_SECS - SHORT_WARNING_SECS + 3) * 1000 });
    await expectTurkish(page, "idle-warning");
    await warning.getByRole("button", { name: "Oturumum açık kalsın" }).click();
    await expect(warning).toBeHidden();
    await page.context().close();
  });
});
