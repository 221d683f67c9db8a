"""Note presets (常用语): the reasons and notes coordinators pick instead of typing them."""
