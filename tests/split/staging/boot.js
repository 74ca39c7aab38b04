// public/boot.js, copied by Trunk.
