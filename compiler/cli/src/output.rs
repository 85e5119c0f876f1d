//! Writing results to disk: stacks and formatted sources are written atomically (a
//! temporary file in the same folder, then a rename), so an interrupted or failed run
//! never leaves a half-written file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ragc::emit::EmittedFile;
use ragc::syntax::format::format_source;

/// Writes each file of a stack into `dir`, creating it if needed.
pub fn write_stack(dir: &Path, files: &[EmittedFile]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for file in files {
        write_atomically(&dir.join(file.name), file.contents.as_bytes())?;
    }
    Ok(())
}

pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary: PathBuf = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        // The rename makes the new file appear whole or not at all; no fsync, which
        // would cost more than the whole compilation and protects only against power loss.
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(contents)?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// `ragc fmt`: formats each file in place, or with `check` only reports the files that
/// are not formatted.
pub fn format_files(files: &[PathBuf], check: bool) -> ExitCode {
    let mut unformatted = 0;
    for path in files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("error: cannot read `{}`: {error}", path.display());
                return ExitCode::from(2);
            }
        };
        let Some(formatted) = format_source(&text) else {
            eprintln!(
                "error: `{}` has syntax errors; run `ragc check {}` to see them",
                path.display(),
                path.display()
            );
            return ExitCode::from(1);
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if check {
            eprintln!("{} is not formatted", path.display());
        } else if let Err(error) = write_atomically(path, formatted.as_bytes()) {
            eprintln!("error: cannot write `{}`: {error}", path.display());
            return ExitCode::from(2);
        } else {
            eprintln!("formatted {}", path.display());
        }
    }
    if check && unformatted > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
