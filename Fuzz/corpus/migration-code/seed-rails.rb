class AddNote < ActiveRecord::Migration[7.1]
  def change
    reversible do |dir|
      dir.up { execute "ALTER TABLE orders ADD COLUMN note text" }
      dir.down { execute "ALTER TABLE orders DROP COLUMN note" }
    end
    remove_column :orders, :legacy, :string
  end
end
