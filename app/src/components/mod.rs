//! Building blocks the pages share.

mod answer;
mod confirm;
mod copy;
mod device_session;
mod field_error;
mod gate;
mod language;
mod layout;
mod navbar;
mod office;
mod outcome;
mod pager;
mod password_form;
mod required_step;
mod session_timeouts;
mod skeleton;
mod step_up;
mod time;
mod title;
mod two_step;

pub use answer::Answer;
pub use confirm::ConfirmButton;
pub use copy::CopyButton;
pub use device_session::DeviceSessionRow;
pub use field_error::{FieldError, FormErrors, FormSummary, TextField};
pub use gate::RoleGate;
pub use language::{LanguageProvider, LanguageSwitch, of_locale, to_locale, use_lang};
pub use layout::AreaLayout;
pub use navbar::{NavBar, NavLink};
pub use office::{OfficeCard, OfficeContactLine, provide_office, use_office};
pub use outcome::{Outcome, OutcomeMessage};
pub use pager::{CursorPager, Pager};
pub use password_form::{
    NewPasswordFields, PasswordForm, StrengthMeter, new_password_errors, placed, strength_feedback,
};
pub use required_step::RequiredStep;
pub use session_timeouts::SessionTimeouts;
pub use skeleton::Skeleton;
pub use step_up::{StepUp, StepUpProvider, use_step_up};
pub use time::{Time, use_local_time};
pub use title::use_page_title;
pub use two_step::{RecoveryCodesNotice, TwoStepCard};
