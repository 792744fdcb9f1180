//! Ctrl-C and SIGTERM: the first asks the run to stop (nothing is written), the second exits at once.
//!
//! Uses the `ctrlc` crate (with its `termination` feature for SIGTERM) rather than raw signal
//! handlers: it runs the handler on an ordinary thread, where setting a flag and exiting are safe.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first Ctrl-C or SIGTERM.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// Exit status after an interruption (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Installs the handler; harmless if it cannot be (the run then simply cannot be interrupted cleanly).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            eprintln!(
                "\ninterrupted again: exiting now (an unfinished temporary folder may remain; the next run removes it)"
            );
            std::process::exit(EXIT_INTERRUPTED as i32);
        }
        eprintln!(
            "\ninterrupted: stopping; unfinished results will not be written (press Ctrl-C again to exit at once)"
        );
    });
}
