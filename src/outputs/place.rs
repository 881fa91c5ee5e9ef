//! Where an output folder may be: never the current directory or one of its parents, never an input
//! of the command (a scenario file, a file of its `extends` chain, an input folder), never inside an
//! input and never holding one. Paths are compared canonically (symlinks, `.` and `..` resolved), also
//! for an output folder that does not exist yet.

use super::OutputError;
use std::path::{Component, Path, PathBuf};

/// `p` made absolute and canonical: the longest existing ancestor is canonicalised (symlinks
/// resolved), the components that do not exist yet are appended with `.` and `..` applied.
pub fn resolve(p: &Path) -> std::io::Result<PathBuf> {
    let abs = std::path::absolute(p)?;
    let comps: Vec<Component> = abs.components().collect();
    // The longest prefix that exists, canonicalised; the rest applied lexically.
    let (mut out, rest) = (0..=comps.len())
        .rev()
        .find_map(|k| {
            let prefix: PathBuf = comps[..k].iter().collect();
            prefix.canonicalize().ok().map(|c| (c, &comps[k..]))
        })
        .unwrap_or((PathBuf::from("/"), &comps[..]));
    for c in rest {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            Component::Normal(n) => out.push(n),
        }
    }
    Ok(out)
}

/// Checks that `out` may be written: not the current directory or a parent of it, and neither equal
/// to, inside, nor holding any of `inputs` (files or folders the command reads). Exit 2 otherwise.
pub fn check_out(out: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let shown = out.display();
    let o = resolve(out).map_err(|e| OutputError::Invalid(format!("{shown}: {e}")))?;
    if let Ok(cwd) = std::env::current_dir().and_then(|c| c.canonicalize()) {
        if cwd.starts_with(&o) {
            return Err(OutputError::Invalid(format!(
                "{shown}: the output folder is {} (the current directory{}); \
                 choose a folder of its own, e.g. --out outputs/NAME",
                o.display(),
                if cwd == o { "" } else { " lies inside it" }
            )));
        }
    }
    for input in inputs {
        let Ok(i) = resolve(input) else { continue };
        let why = if i == o {
            "is"
        } else if i.starts_with(&o) {
            "holds"
        } else if o.starts_with(&i) {
            "lies inside"
        } else {
            continue;
        };
        return Err(OutputError::Invalid(format!(
            "{shown}: the output folder {why} an input of this command ({}); \
             choose another --out",
            input.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_handles_missing_components_dots_and_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("a")).unwrap();
        assert_eq!(resolve(&root.join("a/./b/../c")).unwrap(), root.join("a/c"));
        assert_eq!(resolve(&root.join("a/x/y")).unwrap(), root.join("a/x/y"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a"), root.join("link")).unwrap();
            assert_eq!(resolve(&root.join("link/new")).unwrap(), root.join("a/new"));
        }
    }

    #[test]
    fn inputs_and_their_folders_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("in/sub")).unwrap();
        std::fs::write(root.join("in/s.ron"), "x").unwrap();
        let inputs = [root.join("in/s.ron")];
        for bad in ["in", "in/s.ron", "in/s.ron/x", "in/../in"] {
            assert!(check_out(&root.join(bad), &inputs).is_err(), "{bad}");
        }
        assert!(check_out(&root.join("in/sub"), &inputs).is_ok());
        assert!(check_out(&root.join("out"), &inputs).is_ok());
        let dirs = [root.join("in")];
        assert!(check_out(&root.join("in/sub/o"), &dirs).is_err());
        assert!(check_out(&root, &dirs).is_err());
    }
}
