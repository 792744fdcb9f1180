//! File errors in words for a user: what went wrong, without OS error numbers. Shared by the
//! scenario reader, the results folder and the charts, so it depends on nothing.

/// What went wrong with a file operation, in words for a user (no OS error numbers).
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull => "the disk is full".to_string(),
        K::QuotaExceeded => "the disk quota is exceeded".to_string(),
        K::PermissionDenied => "permission denied".to_string(),
        K::ReadOnlyFilesystem => "the file system is read-only".to_string(),
        K::NotFound => "it does not exist".to_string(),
        K::AlreadyExists => "something already exists there".to_string(),
        K::NotADirectory => "a part of the path is not a folder".to_string(),
        K::IsADirectory => "it is a folder".to_string(),
        K::DirectoryNotEmpty => "the folder is not empty".to_string(),
        K::CrossesDevices => "it is on another file system".to_string(),
        K::ResourceBusy => "it is in use".to_string(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}
