@echo off
rem Windows: run once to start Tokenworth in the tray at login (a shortcut in the Startup folder).
powershell -NoProfile -Command "$s=(New-Object -ComObject WScript.Shell).CreateShortcut([Environment]::GetFolderPath('Startup')+'\Tokenworth.lnk'); $s.TargetPath=(Get-Command tokenworth.exe).Source; $s.Arguments='--tray'; $s.Save()"
