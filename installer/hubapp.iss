; hubapp.iss - Inno Setup 6 script: installs the frozen hubapp on office PCs (per machine).
;
; For the person compiling it on Windows
; ---------------------------------------
; 1. Build the bundle on Windows (same Python 3.11, from the repository root):
;        py -3.11 installer\build
;    which leaves the program in dist\hubapp (hubapp.exe, hubapp-debug.exe, hubapp-admin.exe and
;    _internal\) and, when ISCC.exe is on PATH (or the ISCC variable names it), compiles this
;    script too. By hand, from the repository root:
;        "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\hubapp.iss
;    The output is dist\hubapp-setup-<version>.exe.
; 2. Sign it: uncomment SignTool below and define a sign tool named "hubappsign" in the
;    compiler (Tools > Configure Sign Tools), e.g.
;        signtool.exe sign /fd sha256 /tr http://timestamp.example /td sha256 /a $f
;    IT deploys only signed installers.
;
; What IT runs on a PC
; --------------------
;     hubapp-setup-<version>.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;         [/PROFILE="\\server\share\hubapp\profiles.json"] [/LOG="C:\Windows\Temp\hubapp-setup.log"]
; /PROFILE (or a profiles.json placed beside the setup .exe) installs the authority's default
; connection profile machine-wide, where hubapp reads it:
;     C:\ProgramData\hubapp\hubapp\profiles.json      (platformdirs' site_config_dir)
; e.g.  {"default": "County hubs", "profiles": [{"name": "County hubs", "kind": "postgresql",
;        "host": "db.example.gov.uk", "port": 5432, "database": "hubapp"}]}
; Server and database only: setup refuses a file that mentions a password. Without /PROFILE, a
; profile installed earlier is kept. Each person's own data (the embedded database, drafts,
; settings, logs) lives in %LOCALAPPDATA%\hubapp\hubapp, never in the install folder, and is not
; removed by the uninstaller (it may be the only copy of someone's work).
; Exit codes are Inno Setup's: 0 installed; 1/2/3 setup failed to start or was cancelled (a
; missing or password-bearing profile gives 1, with the reason in the /LOG file).

; ---- Version and source folder: from the build, else from the executable's version resource
#ifndef SourceDir
  #define SourceDir AddBackslash(SourcePath) + "..\dist\hubapp"
#endif
#if !FileExists(AddBackslash(SourceDir) + "hubapp.exe")
  #error "No hubapp.exe in SourceDir: build dist\hubapp first (installer\build)"
#endif
#ifndef AppVersion
  ; hubapp.exe's version resource is generated from pyproject.toml (installer/versioninfo.py).
  #define AppVersion GetFileProductVersionString(AddBackslash(SourceDir) + "hubapp.exe")
#endif

#define AppName "hubapp"
#define AppPublisher "hubapp"
#define AppExe "hubapp.exe"

[Setup]
; AppId identifies hubapp to Windows across versions: never change it (upgrades find it by this).
AppId={{3DD2BD59-70A0-4BB2-B087-8DAEDEF6F9D9}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppComments=Early Help hub desktop client
VersionInfoVersion={#AppVersion}
; Per machine: Program Files, for every user of the PC; needs administrator rights.
PrivilegesRequired=admin
DefaultDirName={autopf}\{#AppName}
DisableDirPage=auto
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; A running hubapp is closed (Restart Manager) before its files are replaced.
CloseApplications=yes
RestartApplications=no
SetupIconFile=..\resources\icons\hubapp.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\dist
OutputBaseFilename=hubapp-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
SetupLogging=yes
;SignTool=hubappsign

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole frozen folder. Nothing is ever written here at run time.
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; The optional default profile IT supplies (see the top of this file); read from disk at install
; time ("external"), so the same setup .exe serves every authority.
Source: "{code:ProfileSource}"; DestDir: "{commonappdata}\hubapp\hubapp"; DestName: "profiles.json"; Flags: external ignoreversion; Check: HasProfile

[Dirs]
; The machine-wide config folder is made (and locked down in [Run]) even without a profile, so
; that no user can plant a profiles.json there that sends other people's hubapp elsewhere.
Name: "{commonappdata}\hubapp\hubapp"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Early Help hub"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
; ProgramData lets every user create files; here only administrators and SYSTEM may write,
; users may read (SIDs: Administrators, SYSTEM, Users).
Filename: "{sys}\icacls.exe"; Parameters: """{commonappdata}\hubapp"" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX"; Flags: runhidden waituntilterminated; StatusMsg: "Protecting the machine-wide settings..."
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
var
  ProfilePath: String;

{ The profile file to install: /PROFILE=..., else profiles.json beside setup, else none. }
function ProfileSource(Param: String): String;
begin
  Result := ProfilePath;
end;

function HasProfile(): Boolean;
begin
  Result := ProfilePath <> '';
end;

function InitializeSetup(): Boolean;
var
  Text: AnsiString;
begin
  Result := True;
  ProfilePath := ExpandConstant('{param:PROFILE|}');
  if (ProfilePath = '') and FileExists(ExpandConstant('{src}\profiles.json')) then
    ProfilePath := ExpandConstant('{src}\profiles.json');
  if ProfilePath = '' then
    Exit;
  if not FileExists(ProfilePath) then
  begin
    Log('Profile file not found: ' + ProfilePath);
    SuppressibleMsgBox('The profile file ' + ProfilePath + ' does not exist or cannot be read.',
      mbCriticalError, MB_OK, IDOK);
    Result := False;
    Exit;
  end;
  { hubapp keeps passwords only in Windows Credential Manager, never in a file. }
  if LoadStringFromFile(ProfilePath, Text) and (Pos('password', Lowercase(String(Text))) > 0) then
  begin
    Log('Profile file mentions a password: ' + ProfilePath);
    SuppressibleMsgBox('The profile file ' + ProfilePath + ' contains a password. hubapp never ' +
      'keeps passwords in files: remove it and run setup again.', mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;
